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
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
}
