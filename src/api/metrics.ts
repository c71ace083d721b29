import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The API's Prometheus metrics; one registry per app so tests and processes never share counters. */
export function createApiMetrics() {
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
