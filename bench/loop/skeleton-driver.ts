import { WorkflowUpdateStage, type Client } from '@temporalio/client';
import type { RunningChild } from '../../src/local/child-process';
import { SKELETON_LINE, type SkeletonShape } from '../skeleton/shape';
import { skeletonDecide, skeletonFindings } from '../skeleton/workflows';
import { withTimeout } from './incident-driver';
import { createWaiters } from './waiters';

export interface SkeletonRun {
  workflowId: string;
  createdAt: number;
  /** Started → the activity standing for the first Slack post ran. */
  firstPostMs: number;
  parkedMs: number;
  totalMs?: number;
}

/**
 * Drives skeleton incidents, started directly on the server: the driver plays the agent (the findings signal) and
 * the approver (the Update, started as OpsLoop's API starts it) when the skeleton worker says it got that far.
 */
export function createSkeletonDriver(client: Client, worker: RunningChild, taskQueue: string, shape: SkeletonShape) {
  const events = { post: createWaiters<number>(), investigate: createWaiters<number>(), ask: createWaiters<number>() };
  worker.onLine((line) => {
    const [prefix, id, at] = line.split(' ');
    for (const [event, waiters] of Object.entries(events)) {
      if (prefix === SKELETON_LINE[event as keyof typeof SKELETON_LINE] && id) waiters.emit(id, Number(at));
    }
  });
  let next = 0;
  const runTag = Date.now().toString(36);

  return {
    async run(o: { park?: boolean; timeoutMs: number }): Promise<SkeletonRun> {
      const workflowId = `skeleton/${runTag}/${next++}`;
      const createdAt = Date.now();
      const deadline = createdAt + o.timeoutMs;
      const left = () => Math.max(deadline - Date.now(), 1);
      const handle = await client.workflow.start('skeletonInvestigation', { workflowId, taskQueue, args: [shape] });
      await events.investigate.wait(workflowId, left(), 'the investigation request');
      await handle.signal(skeletonFindings, 'findings');
      const approvalId = `${workflowId}/approval/1`;
      await events.ask.wait(approvalId, left(), 'the approval request');
      const firstPostAt = await events.post.wait(workflowId, left(), 'the first post');
      const run: SkeletonRun = { workflowId, createdAt, firstPostMs: firstPostAt - createdAt, parkedMs: Date.now() - createdAt };
      for (const waiters of Object.values(events)) {
        waiters.forget(workflowId);
        waiters.forget(approvalId);
      }
      if (o.park) return run;
      const update = await client.workflow
        .getHandle(approvalId)
        .startUpdate(skeletonDecide, { args: ['approve'], updateId: `${approvalId}:approver`, waitForStage: WorkflowUpdateStage.ACCEPTED });
      await update.result();
      await withTimeout(handle.result(), left(), `${workflowId} to complete`);
      run.totalMs = Date.now() - createdAt;
      return run;
    },
  };
}

export type SkeletonDriver = ReturnType<typeof createSkeletonDriver>;
