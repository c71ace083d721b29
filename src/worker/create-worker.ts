import type { Duration } from '@temporalio/common';
import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Activities } from '../activities';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A pre-built bundle (tests bundle once per run); otherwise the workflows are bundled from source. */
  workflowBundle?: WorkflowBundle;
  shutdownGraceTime?: Duration;
  /** Sticky-cache size; undefined: the SDK's default, derived from the heap limit. */
  maxCachedWorkflows?: number;
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

/**
 * How long a workflow task waits on a worker's sticky queue before any worker may take it. The SDK's 10 s is what a
 * replacement worker waits for the dead one's cached workflows; 5 s halves that, at the cost of a replay when a
 * live worker is that late.
 */
export const STICKY_QUEUE_TIMEOUT_MS = 5_000;

/** The one way OpsLoop builds a worker: shared by `npm run worker`, `npm start` and the tests. */
export function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    // Let in-flight activities finish on SIGTERM (containers get 30 s by default).
    shutdownGraceTime: options.shutdownGraceTime ?? '20s',
    stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT_MS,
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
}
