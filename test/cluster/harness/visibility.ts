import type { Client } from '@temporalio/client';
import { IncidentNumber, OpsRequester, OpsStage, SlackChannel } from '../../../src/contracts/search-attributes';

/** One run as DescribeWorkflowExecution (authoritative) reports its search attributes. */
export interface DescribedRun {
  workflowId: string;
  runId: string;
  incidentNumber?: string;
  opsStage?: string;
  slackChannel?: string;
  opsRequester?: string;
}

export async function describeRuns(client: Client, ids: readonly { workflowId: string; runId: string }[]): Promise<DescribedRun[]> {
  const described: DescribedRun[] = [];
  for (const { workflowId, runId } of ids) {
    const d = await client.workflow.getHandle(workflowId, runId).describe();
    const sa = d.typedSearchAttributes;
    described.push({ workflowId, runId, incidentNumber: sa.get(IncidentNumber), opsStage: sa.get(OpsStage), slackChannel: sa.get(SlackChannel), opsRequester: sa.get(OpsRequester) });
  }
  return described;
}

export interface ViewCheck {
  query: string;
  expected: string[];
  listed: string[];
}

const key = (r: { workflowId: string; runId: string }) => `${r.workflowId}/${r.runId}`;

/**
 * Runs each of OpsLoop's visibility queries (scoped to the task queue) until SQL visibility agrees with what
 * DescribeWorkflowExecution says of every run, or `timeoutMs` passes (visibility is eventually consistent), and
 * returns what each query listed beside what it should have.
 */
export async function checkViews(client: Client, taskQueue: string, runs: readonly DescribedRun[], views: { query: string; matches: (r: DescribedRun) => boolean }[], timeoutMs = 30_000): Promise<ViewCheck[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const results: ViewCheck[] = [];
    for (const view of views) {
      const listed: string[] = [];
      for await (const run of client.workflow.list({ query: `TaskQueue = "${taskQueue}" AND (${view.query})` })) listed.push(key(run));
      results.push({ query: view.query, expected: runs.filter(view.matches).map(key).sort(), listed: listed.sort() });
    }
    const agree = results.every((r) => JSON.stringify(r.expected) === JSON.stringify(r.listed));
    if (agree || Date.now() > deadline) return results;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
