import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { DOMAIN_HISTOGRAM_BUCKETS } from '../activities/domain-metrics';
import { loadOrExit, loadWorkerConfig } from '../config/env';
import { createLogger } from '../log';
import { reloadPolicyOnSighup } from '../policy/reload-on-sighup';
import { ensureReconcileSchedule } from '../temporal-client/reconcile-schedule';
import { wireWorker } from './wire-worker';

/** Maps our pino level onto the SDK's logger, which knows fewer levels. */
function sdkLogLevel(level: string): LogLevel {
  if (level === 'trace' || level === 'debug') return level.toUpperCase() as LogLevel;
  if (level === 'info') return 'INFO';
  if (level === 'warn') return 'WARN';
  return 'ERROR';
}

async function main(): Promise<void> {
  const cfg = loadOrExit(() => loadWorkerConfig());
  const log = createLogger({ level: cfg.LOG_LEVEL, name: 'opsloop-worker' });
  Runtime.install({
    logger: new DefaultLogger(sdkLogLevel(cfg.LOG_LEVEL)),
    telemetryOptions: cfg.OPSLOOP_WORKER_METRICS_ADDRESS
      ? {
          metrics: {
            // OpsLoop's own histograms count seconds to hours; the exporter's default buckets are for milliseconds.
            prometheus: { bindAddress: cfg.OPSLOOP_WORKER_METRICS_ADDRESS, histogramBucketOverrides: DOMAIN_HISTOGRAM_BUCKETS },
            globalTags: { service: 'opsloop-worker' },
          },
        }
      : undefined,
  });
  const { worker, client, policy, close } = await wireWorker(cfg, { log: (fields, msg) => log.info(fields, msg), warn: (fields, msg) => log.warn(fields, msg) });
  reloadPolicyOnSighup(policy, log);
  if (cfg.OPSLOOP_RECONCILE_INTERVAL_MS > 0) {
    const schedule = await ensureReconcileSchedule(client, cfg.TEMPORAL_TASK_QUEUE, cfg.OPSLOOP_RECONCILE_INTERVAL_MS);
    log.info({ schedule, everyMs: cfg.OPSLOOP_RECONCILE_INTERVAL_MS }, 'reconcile schedule ready');
  }
  log.info({ address: cfg.TEMPORAL_ADDRESS, namespace: cfg.TEMPORAL_NAMESPACE, taskQueue: cfg.TEMPORAL_TASK_QUEUE }, 'worker running');
  // The SDK's Runtime shuts workers down on SIGINT/SIGTERM; run() resolves once in-flight work has drained.
  await worker.run();
  await close();
  log.info('worker stopped');
}

main().catch((err: unknown) => {
  process.stderr.write(`opsloop worker failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
