import type { BenchOpsLoop } from '../harness/stack';
import type { SlackWatch } from './slack-watch';

export interface CallCounts {
  slack: Record<string, number>;
  /** Root messages (no thread_ts) among chat.postMessage. */
  slackRootPosts: number;
  servicenow: Record<string, number>;
  businessRuleDeliveries: number;
  /** Agent tasks created (CreateBacklogTask answered 201) and every agent API call. */
  agentTasks: number;
  agentCalls: number;
}

/** What the fakes were asked since the last reset, by kind: the side effects OpsLoop caused. */
export function countCalls(stack: BenchOpsLoop): CallCounts {
  const slack: Record<string, number> = {};
  let slackRootPosts = 0;
  for (const call of stack.slack.calls) {
    slack[call.method] = (slack[call.method] ?? 0) + 1;
    if (call.method === 'chat.postMessage' && !call.args.thread_ts) slackRootPosts++;
  }
  const servicenow: Record<string, number> = {};
  for (const r of stack.servicenow.requests) {
    const kind = `${r.method} ${r.path.split('/').length > 5 ? 'incident/<sys_id>' : 'incident'}`;
    servicenow[kind] = (servicenow[kind] ?? 0) + 1;
  }
  return { slack, slackRootPosts, servicenow, businessRuleDeliveries: stack.servicenow.deliveries.length, agentTasks: stack.agent.calls.filter((c) => c.operation === 'CreateBacklogTask' && c.status === 201).length, agentCalls: stack.agent.calls.length };
}

/** Empties every fake's log (and the Slack watcher) so the next batch is counted alone. Only between batches. */
export function resetFakes(stack: BenchOpsLoop, watch: SlackWatch): void {
  watch.reset();
  stack.servicenow.requests.length = 0;
  stack.servicenow.transitions.length = 0;
  stack.servicenow.deliveries.length = 0;
  stack.agent.calls.length = 0;
}

export const perIncident = (counts: Record<string, number>, incidents: number): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Math.round((v / Math.max(incidents, 1)) * 100) / 100]));
