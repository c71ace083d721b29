export interface PipelineResult<T> {
  all: T[];
  failures: string[];
  /** Steady-state completions per second (Little's law over the runs started after the warm-up). */
  ratePerSecond: number;
  /** Runs the rate is computed from. */
  measured: number;
}

interface Timed<T> {
  value: T;
  startedAt: number;
  doneAt: number;
}

/**
 * Keeps `concurrency` runs in flight for `durationMs`, then lets the last ones finish. With every lane always busy,
 * throughput = concurrency / mean run time (Little's law), computed over runs started after `warmupMs`: unlike
 * counting completions in a window, it is not quantised when runs take several seconds and finish in waves.
 */
export async function closedPipeline<T>(run: () => Promise<T>, o: { concurrency: number; durationMs: number; warmupMs: number }): Promise<PipelineResult<T>> {
  const started = Date.now();
  const end = started + o.durationMs;
  const done: Timed<T>[] = [];
  const failures: string[] = [];
  const lane = async () => {
    while (Date.now() < end) {
      const startedAt = Date.now();
      try {
        done.push({ value: await run(), startedAt, doneAt: Date.now() });
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, lane));
  const steady = done.filter((d) => d.startedAt >= started + o.warmupMs);
  const meanMs = steady.reduce((sum, d) => sum + (d.doneAt - d.startedAt), 0) / Math.max(steady.length, 1);
  return { all: done.map((d) => d.value), failures, ratePerSecond: steady.length ? (o.concurrency * 1000) / meanMs : 0, measured: steady.length };
}

/** Starts runs at a fixed rate for `durationMs`, whatever the earlier ones are doing, and waits for all of them. */
export async function openPipeline<T>(run: () => Promise<T>, o: { ratePerSecond: number; durationMs: number }): Promise<{ all: T[]; failures: string[] }> {
  const started = Date.now();
  const count = Math.max(1, Math.floor((o.durationMs / 1000) * o.ratePerSecond));
  const all: T[] = [];
  const failures: string[] = [];
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = started + (i * 1000) / o.ratePerSecond - Date.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      run().then(
        (value) => void all.push(value),
        (err: unknown) => void failures.push(err instanceof Error ? err.message : String(err)),
      ),
    );
  }
  await Promise.all(inFlight);
  return { all, failures };
}

/** Runs exactly `count` runs, `concurrency` at a time. */
export async function countPipeline<T>(run: () => Promise<T>, o: { count: number; concurrency: number }): Promise<{ all: T[]; failures: string[] }> {
  let started = 0;
  const all: T[] = [];
  const failures: string[] = [];
  const lane = async () => {
    while (started < o.count) {
      started++;
      try {
        all.push(await run());
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.count) }, lane));
  return { all, failures };
}
