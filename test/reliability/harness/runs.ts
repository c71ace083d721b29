import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import { readRun, type Run } from './histories';

/** Every run, by workflow id. */
export type Runs = Map<string, Run[]>;

/**
 * Reads every run started on the task queue (found through visibility, then read from DescribeWorkflowExecution and
 * the history, which are authoritative), plus runs named in `expected` that visibility may not list yet. Waits, up
 * to `settleMs`, while a run expected to finish is still running: visibility and timers are eventually done.
 */
export async function collectRuns(
  client: Client,
  taskQueue: string,
  expected: Record<string, WorkflowExecutionStatusName>,
  settleMs: number,
): Promise<Runs> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const ids = new Map<string, Set<string | undefined>>();
    for await (const run of client.workflow.list({ query: `TaskQueue = "${taskQueue}"` })) {
      ids.set(run.workflowId, (ids.get(run.workflowId) ?? new Set()).add(run.runId));
    }
    for (const id of Object.keys(expected)) if (!ids.has(id)) ids.set(id, new Set([undefined]));

    const runs: Runs = new Map();
    for (const [workflowId, runIds] of ids) {
      const read = await Promise.all([...runIds].map((runId) => readRun(client, workflowId, runId).catch(() => undefined)));
      runs.set(workflowId, read.filter((r): r is Run => r !== undefined));
    }
    const unsettled = [...runs.values()].flat().some((r) => r.status === 'RUNNING' && expected[r.workflowId] !== 'RUNNING');
    if (!unsettled || Date.now() > deadline) return runs;
    await new Promise((r) => setTimeout(r, 500));
  }
}
