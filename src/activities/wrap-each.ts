type ActivityFunctions = Record<string, (...args: never[]) => Promise<unknown>>;

/** Runs every function of an activity object through `around`, which decides what happens around the call itself. */
export function wrapEach<T extends ActivityFunctions>(activities: T, around: (call: () => Promise<unknown>) => Promise<unknown>): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) wrapped[name] = (...args: never[]) => around(() => fn(...args));
  return wrapped as T;
}
