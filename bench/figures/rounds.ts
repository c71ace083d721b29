/** A-B-A-B: each round starts with a different candidate, so drift (warm-up, a busy neighbour) hits all alike. */
export function alternate<T>(arms: readonly T[], round: number): T[] {
  const shift = round % arms.length;
  const rotated = [...arms.slice(shift), ...arms.slice(0, shift)];
  return round % 2 === 0 ? rotated : rotated.reverse();
}

/** Runs `fn` and returns its result with the wall time it took, in seconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const value = await fn();
  return [value, Math.round((Date.now() - started) / 100) / 10];
}
