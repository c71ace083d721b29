import type { StartedWorker } from '../harness/stack';
import { createSkeletonDriver, type SkeletonDriver } from '../loop/skeleton-driver';
import type { FigureContext } from './context';

export interface SkeletonWorker extends StartedWorker {
  driver: SkeletonDriver;
  taskQueue: string;
}

/** The skeleton's worker process on its own task queue, and a driver for it. */
export async function startSkeletonWorker(ctx: FigureContext, taskQueue: string, overrides: NodeJS.ProcessEnv = {}): Promise<SkeletonWorker> {
  const started = await ctx.stack.startWorker(
    `skeleton-${taskQueue}`,
    { TEMPORAL_TASK_QUEUE: taskQueue, BENCH_WORKFLOW_BUNDLE: ctx.bundles.skeleton.path, ...overrides },
    { entry: 'bench/skeleton/worker.ts' },
  );
  return { ...started, taskQueue, driver: createSkeletonDriver(ctx.stack.client, started.child, taskQueue, ctx.shape) };
}
