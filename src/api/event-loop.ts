import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Event-loop delay over a recent window, in ms: how late the loop ran a timer that was due (0 when idle and healthy). */
export interface EventLoopDelay {
  p50: number;
  p99: number;
  max: number;
  /** How many ms of history the figures cover (between one and two windows). */
  windowMs: number;
}

export interface EventLoopMonitor {
  delay(): EventLoopDelay;
  stop(): void;
}

/**
 * Samples the event-loop delay (`perf_hooks.monitorEventLoopDelay`) for `/healthz`. A histogram since start would
 * hide a stall after an hour of calm, so two histograms take turns: each is reset every two windows, one window apart,
 * and the figures come from the older one, so they always cover between one and two windows.
 * Prometheus gets the same measurement from prom-client's default metrics (`opsloop_api_nodejs_eventloop_lag_*`),
 * which reset at every scrape; this monitor is separate so that reading `/healthz` never disturbs a scrape.
 */
export function createEventLoopMonitor(options: { windowMs?: number; resolutionMs?: number } = {}): EventLoopMonitor {
  const windowMs = options.windowMs ?? 30_000;
  const resolutionMs = options.resolutionMs ?? 10;
  // Each sample is the time between two ticks of a `resolutionMs` timer: the lag is what exceeds the resolution.
  const lagMs = (ns: number) => Math.max(0, Math.round((ns / 1e6 - resolutionMs) * 100) / 100);
  const started = Date.now();
  const histograms: { h: IntervalHistogram; since: number }[] = [0, 1].map(() => {
    const h = monitorEventLoopDelay({ resolution: resolutionMs });
    h.enable();
    return { h, since: started };
  });
  let turn = 0;
  // The first reset comes after one window, so the histogram that is not reset covers that window and the next.
  const rotate = setInterval(() => {
    const next = histograms[turn]!;
    next.h.reset();
    next.since = Date.now();
    turn = 1 - turn;
  }, windowMs);
  rotate.unref();

  return {
    delay() {
      const older = histograms[0]!.since <= histograms[1]!.since ? histograms[0]! : histograms[1]!;
      const { h } = older;
      // An empty histogram reports its minimum as 2^63 and NaN as its mean: every figure is 0 until the first sample.
      if (h.count === 0) return { p50: 0, p99: 0, max: 0, windowMs: 0 };
      return { p50: lagMs(h.percentile(50)), p99: lagMs(h.percentile(99)), max: lagMs(h.max), windowMs: Date.now() - older.since };
    },
    stop() {
      clearInterval(rotate);
      for (const { h } of histograms) h.disable();
    },
  };
}
