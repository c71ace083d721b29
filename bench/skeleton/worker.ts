import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { skeletonActivities } from './activities';

/**
 * The skeleton's worker process: same SDK defaults as OpsLoop's worker (src/worker/create-worker.ts), the skeleton
 * bundle (BENCH_WORKFLOW_BUNDLE, built once by the driver) and no-op activities; Prometheus metrics on
 * OPSLOOP_WORKER_METRICS_ADDRESS as OpsLoop's worker.
 */
async function main(): Promise<void> {
  const metrics = process.env.OPSLOOP_WORKER_METRICS_ADDRESS;
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: metrics ? { metrics: { prometheus: { bindAddress: metrics } } } : undefined,
  });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '' });
  const maxCached = process.env.BENCH_MAX_CACHED_WORKFLOWS;
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? '',
    activities: skeletonActivities,
    workflowBundle: { codePath: process.env.BENCH_WORKFLOW_BUNDLE ?? '' },
    shutdownGraceTime: '1s',
    ...(maxCached ? { maxCachedWorkflows: Number(maxCached) } : {}),
  });
  await worker.run();
  await connection.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`skeleton worker failed: ${String(err)}\n`);
  process.exit(1);
});
