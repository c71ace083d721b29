import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import { agentSlotsWorkflowId, channelNotifierWorkflowId } from '../../../src/contracts/workflow-ids';
import { readRun, type Run } from './histories';

/**
 * OpsLoop's long-lived workflows on a task queue, which end only when told to (continuing as new meanwhile): the
 * agent-slot semaphore and the channel notifiers. No incident is waiting for them to finish.
 */
export function isLongLived(workflowId: string, taskQueue: string): boolean {
  return workflowId === agentSlotsWorkflowId(taskQueue) || workflowId.startsWith(channelNotifierWorkflowId(''));
}

/** Every run, by workflow id. */
export type Runs = Map<string, Run[]>;

/** Runs read at once: enough for thousands of runs (a soak), few enough not to swamp a dev server. */
const READ_CONCURRENCY = 16;

/** Maps with at most `limit` calls in flight, keeping the order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/**
 * Reads every run started on the task queue (found through visibility, then read from DescribeWorkflowExecution and
 * the history, which are authoritative), plus runs named in `expected` that visibility may not list yet. Waits, up
 * to `settleMs`, while a run expected to finish is still running (not a long-lived one): visibility and timers are
 * eventually done.
 * A closed run never changes, so later rounds read only the runs that were still open.
 */
export async function collectRuns(
  client: Client,
  taskQueue: string,
  expected: Record<string, WorkflowExecutionStatusName>,
  settleMs: number,
): Promise<Runs> {
  const deadline = Date.now() + settleMs;
  const closed = new Map<string, Run>();
  for (;;) {
    const ids = new Map<string, Set<string | undefined>>();
    for await (const run of client.workflow.list({ query: `TaskQueue = "${taskQueue}"` })) {
      ids.set(run.workflowId, (ids.get(run.workflowId) ?? new Set()).add(run.runId));
    }
    for (const id of Object.keys(expected)) if (!ids.has(id)) ids.set(id, new Set([undefined]));

    const wanted = [...ids].flatMap(([workflowId, runIds]) => [...runIds].map((runId) => ({ workflowId, runId })));
    const read = await mapBounded(wanted, READ_CONCURRENCY, async ({ workflowId, runId }) => {
      const known = runId === undefined ? undefined : closed.get(`${workflowId}/${runId}`);
      if (known) return known;
      const run = await readRun(client, workflowId, runId).catch(() => undefined);
      if (run && run.status !== 'RUNNING') closed.set(`${workflowId}/${run.runId}`, run);
      return run;
    });
    const runs: Runs = new Map([...ids.keys()].map((id) => [id, []]));
    for (const run of read) if (run) runs.get(run.workflowId)!.push(run);

    const unsettled = [...runs.values()].flat().some((r) => r.status === 'RUNNING' && expected[r.workflowId] !== 'RUNNING' && !isLongLived(r.workflowId, taskQueue));
    if (!unsettled || Date.now() > deadline) return runs;
    await new Promise((r) => setTimeout(r, 500));
  }
}
