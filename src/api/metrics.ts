import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { cachePendingDecisions, labelsOfPendingKey, type ListPendingDecisions } from './decisions-pending';

export interface ApiMetricsDeps {
  /** The decisions waiting for a person, read at scrape time; absent: no `opsloop_decisions_pending`. */
  pendingDecisions?: ListPendingDecisions;
  /** How long one read of them serves scrapes (default 5 s). */
  pendingDecisionsTtlMs?: number;
  /** Told when a read of them failed. */
  onPendingDecisionsError?: (err: unknown) => void;
}

const PENDING_DECISIONS_TTL_MS = 5_000;

/** The API's Prometheus metrics; one registry per app so tests and processes never share counters. */
export function createApiMetrics(deps: ApiMetricsDeps = {}) {
  const registry = new Registry();
  // Includes the event-loop delay (opsloop_api_nodejs_eventloop_lag_{p50,p90,p99,max,…}_seconds, from
  // perf_hooks.monitorEventLoopDelay, reset at each scrape): a stall shows at the next scrape; /healthz has its own.
  collectDefaultMetrics({ register: registry, prefix: 'opsloop_api_' });
  const requests = new Counter({
    name: 'opsloop_api_requests_total',
    help: 'HTTP requests by route and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const ackSeconds = new Histogram({
    name: 'opsloop_api_ack_seconds',
    help: 'Time to answer, by route (Slack allows 3 s).',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 3, 5],
    registers: [registry],
  });
  const verificationFailures = new Counter({
    name: 'opsloop_api_verification_failures_total',
    help: 'Requests refused for a bad or missing signature, by route.',
    labelNames: ['route'] as const,
    registers: [registry],
  });

  if (deps.pendingDecisions) registerPendingDecisions(registry, deps.pendingDecisions, deps.pendingDecisionsTtlMs ?? PENDING_DECISIONS_TTL_MS, deps.onPendingDecisionsError);

  const observe: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // The matched route pattern, never the raw URL: unbounded label values would blow up the series count.
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      requests.inc({ route, method: req.method, status: String(res.statusCode) });
      ackSeconds.observe({ route }, Number(process.hrtime.bigint() - started) / 1e9);
      if (res.statusCode === 401) verificationFailures.inc({ route });
    });
    next();
  };
  const endpoint: RequestHandler = (_req, res, next) => {
    registry
      .metrics()
      .then((text) => res.type(registry.contentType).send(text))
      .catch(next);
  };
  return { registry, observe, endpoint };
}

/**
 * `opsloop_decisions_pending{route,priority}`: a series once seen stays, at 0 when nothing waits, so an alert's `for:`
 * sees the drop and a dashboard shows a zero rather than a gap. Routes and priorities are few, so the series stay few.
 */
function registerPendingDecisions(registry: Registry, list: ListPendingDecisions, ttlMs: number, onError?: (err: unknown) => void): void {
  // prom-client collects the metrics of a scrape concurrently: each one awaits the same (cached or in-flight) read, so
  // a failure is counted in the scrape that saw it.
  const failures = new Counter({
    name: 'opsloop_decisions_pending_read_failures_total',
    help: 'Reads of Temporal visibility for opsloop_decisions_pending that failed (the gauge then keeps its last value).',
    registers: [registry],
    async collect() {
      await pending.read();
    },
  });
  const pending = cachePendingDecisions(list, { ttlMs, onError: (err) => {
      failures.inc();
      onError?.(err);
    },
  });
  const seen = new Set<string>();
  new Gauge({
    name: 'opsloop_decisions_pending',
    help: 'Incident investigations waiting for a person to decide (OpsStage awaiting-decision), by route and priority.',
    labelNames: ['route', 'priority'] as const,
    registers: [registry],
    async collect() {
      const { counts } = await pending.read();
      for (const key of counts.keys()) seen.add(key);
      for (const key of seen) this.set(labelsOfPendingKey(key), counts.get(key) ?? 0);
    },
  });
  new Gauge({
    name: 'opsloop_decisions_pending_fresh',
    help: '1 when opsloop_decisions_pending comes from the latest read of Temporal visibility, 0 when that read failed and it shows the last one that worked.',
    registers: [registry],
    async collect() {
      this.set((await pending.read()).fresh ? 1 : 0);
    },
  });
}
