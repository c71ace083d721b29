import type { LoadClient, Outcome, PreparedRequest } from './http-client';

/** Sends item i; `startedAt` is the performance.now() the latency counts from. */
export type Send = (i: number, startedAt: number) => Promise<Outcome>;

export interface RunResult {
  outcomes: Outcome[];
  elapsedMs: number;
}

/** `concurrency` clients each sending the next item as soon as their previous one is answered. */
export async function closedLoop(send: Send, count: number, concurrency: number): Promise<RunResult> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < count) {
      const i = next++;
      outcomes.push(await send(i, performance.now()));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { outcomes, elapsedMs: performance.now() - started };
}

/**
 * Sends item i at start + i/rate whatever happened to earlier ones, and measures each from its scheduled time,
 * so a stall shows up in the latencies of every request it delayed (no coordinated omission).
 */
export async function openLoop(send: Send, count: number, ratePerSecond: number): Promise<RunResult> {
  const interval = 1000 / ratePerSecond;
  const inFlight: Promise<void>[] = [];
  const outcomes: Outcome[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const scheduled = started + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(send(i, scheduled).then((o) => void outcomes.push(o)));
  }
  await Promise.all(inFlight);
  return { outcomes, elapsedMs: performance.now() - started };
}

/** Sends prepared HTTP requests through a load client. */
export const httpSender =
  (client: LoadClient, requests: readonly PreparedRequest[]): Send =>
  (i, startedAt) =>
    client.send(requests[i]!, startedAt);

/** Wraps any async call (e.g. signalWithStart from this process) as a sender with the same timing. */
export const callSender =
  (call: (i: number) => Promise<unknown>, okStatus: number): Send =>
  async (i, startedAt) => {
    try {
      await call(i);
      return { status: okStatus, ms: performance.now() - startedAt };
    } catch (err) {
      return { status: 0, ms: performance.now() - startedAt, error: err instanceof Error ? err.message : String(err) };
    }
  };
