import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createWaiters } from '../loop/waiters';
import type { SkeletonActivities } from './activities';
import { EAGER_START_RESULT, type EagerStartSamples, type SkeletonShape } from './shape';

/**
 * Eager workflow start needs the client and a worker of the workflow's task queue in one process, over one
 * NativeConnection: this process is that (OpsLoop's API is not). It starts skeleton incidents at
 * BENCH_EAGER_RATE/s, alternating plain starts and `requestEagerStart`, times each from the start call to its
 * first-post activity running, terminates it, and prints the samples.
 */
async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const count = Number(process.env.BENCH_EAGER_COUNT ?? 10);
  const rate = Number(process.env.BENCH_EAGER_RATE ?? 1);
  const shape = JSON.parse(process.env.BENCH_SKELETON_SHAPE ?? '') as SkeletonShape;
  const taskQueue = process.env.TEMPORAL_TASK_QUEUE ?? '';
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '' });
  const posts = createWaiters<number>();
  const activities: SkeletonActivities = {
    step(event, workflowId) {
      if (event === 'post') posts.emit(workflowId, Date.now());
      return Promise.resolve();
    },
  };
  const worker = await Worker.create({ connection, taskQueue, activities, workflowBundle: { codePath: process.env.BENCH_WORKFLOW_BUNDLE ?? '' }, shutdownGraceTime: '1s' });
  const client = new Client({ connection });
  const samples: EagerStartSamples = { start: [], eager: [], eagerlyStarted: 0 };
  const tag = Date.now().toString(36);
  await worker.runUntil(async () => {
    // Start -1 warms the task queue and the worker up and is not counted (it took 10 × the others here).
    for (let i = -1; i < count; i++) {
      const eager = i % 2 === 1;
      const workflowId = `skeleton-eager/${tag}/${i}`;
      const startedAt = Date.now();
      const handle = await client.workflow.start('skeletonInvestigation', { workflowId, taskQueue, args: [shape], requestEagerStart: eager });
      const postAt = await posts.wait(workflowId, 30_000, 'the first post');
      if (i >= 0) (eager ? samples.eager : samples.start).push(postAt - startedAt);
      if (i >= 0 && handle.eagerlyStarted) samples.eagerlyStarted++;
      await handle.terminate('measured');
      const wait = startedAt + 1000 / rate - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  });
  await connection.close();
  process.stdout.write(`${EAGER_START_RESULT} ${JSON.stringify(samples)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`eager-start bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
