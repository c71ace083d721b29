import { loadavg } from 'node:os';

/**
 * Waits (at most `maxWaitMs`) for the 1-minute load average to drop below `threshold`, so a full run does not
 * measure whatever else shares the machine. Returns the load it started with.
 */
export async function waitForQuiet(threshold: number, maxWaitMs: number, log: (line: string) => void): Promise<{ load: number; waitedS: number }> {
  const started = Date.now();
  let announced = false;
  while (loadavg()[0]! >= threshold && Date.now() - started < maxWaitMs) {
    if (!announced) log(`Waiting up to ${Math.round(maxWaitMs / 60_000)} min for the machine to settle (load ${loadavg()[0]!.toFixed(2)} ≥ ${threshold})…`);
    announced = true;
    await new Promise((r) => setTimeout(r, 5_000));
  }
  return { load: Math.round(loadavg()[0]! * 100) / 100, waitedS: Math.round((Date.now() - started) / 1000) };
}
