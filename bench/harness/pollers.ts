import { hostname } from 'node:os';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** The identity the TypeScript SDK gives a worker by default. */
export const workerIdentity = (pid: number): string => `${pid}@${hostname()}`;

/**
 * Resolves once the worker process `pid` polls `taskQueue` for workflow tasks: the moment it can make progress,
 * seen from the server (no log level needed). Returns when that was first observed (Date.now()).
 */
export async function waitForPoller(client: Client, taskQueue: string, pid: number, timeoutMs: number, isDead: () => boolean): Promise<number> {
  const identity = workerIdentity(pid);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (isDead()) throw new Error(`worker ${identity} exited before polling ${taskQueue}`);
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    if (pollers.some((p) => p.identity === identity)) return Date.now();
    if (Date.now() > deadline) throw new Error(`worker ${identity} did not poll ${taskQueue} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
