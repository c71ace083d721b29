import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { businessRuleBody } from '../../src/sandbox/business-rule-sender';
import { withoutPriority } from '../../src/sandbox/fake-servicenow';
import { sendButtonClick } from '../../src/sandbox/slack-requests';
import { createOpsLoopWorkflows } from '../../src/temporal-client/opsloop-workflows';
import type { BenchOpsLoop } from '../harness/stack';
import { BENCH_INCIDENT, snapshotOf, type IncidentEvent } from '../load/webhook-bodies';
import type { SlackWatch } from './slack-watch';

export interface IncidentRun {
  number: string;
  /** When the incident was created in ServiceNow (its Business Rule fires at once) or signalWithStart was sent. */
  createdAt: number;
  /** Created → the fake Slack received the thread's root chat.postMessage. */
  firstPostMs: number;
  /** Created → decision buttons posted (parked, awaiting decision). */
  parkedMs: number;
  /** The signed Approve click's answer time at the API. */
  clickAckMs?: number;
  clickStatus?: number;
  /** Created → the IncidentInvestigation workflow completed. */
  totalMs?: number;
}

export interface IncidentDriverOptions {
  /** `business-rule`: created in the fake ServiceNow, whose Business Rule posts to the API (the real path).
   *  Otherwise the driver itself calls signalWithStart on this task queue (the Business Rule must be uninstalled). */
  via: 'business-rule' | { taskQueue: string };
  /** Stop once the decision buttons are posted, leaving the incident awaiting a decision. */
  park?: boolean;
  timeoutMs: number;
}

/** Drives one incident through the whole real loop: ServiceNow → API → worker → Slack → agent → click → resolution. */
export async function runIncident(stack: BenchOpsLoop, watch: SlackWatch, o: IncidentDriverOptions): Promise<IncidentRun> {
  const createdAt = Date.now();
  const incident = stack.servicenow.createIncident(withoutPriority(BENCH_INCIDENT));
  const number = incident.number;
  if (o.via !== 'business-rule') {
    const event = JSON.parse(businessRuleBody(incident, 'insert')) as IncidentEvent;
    await createOpsLoopWorkflows(stack.client, o.via.taskQueue).deliverIncidentEvent(snapshotOf(event));
  }
  const deadline = createdAt + o.timeoutMs;
  const left = () => Math.max(deadline - Date.now(), 1);
  const firstPostAt = await watch.firstPost(number, left());
  const button = await watch.approval(number, left());
  const run: IncidentRun = { number, createdAt, firstPostMs: firstPostAt - createdAt, parkedMs: Date.now() - createdAt };
  if (o.park) return run;

  const click = await sendButtonClick(stack.apiUrl, stack.signingSecret, {
    userId: stack.approverId,
    actionId: button.actionId,
    value: button.value,
    channelId: button.channel,
    messageTs: '1700000000.000001',
    responseUrl: stack.slack.newResponseUrl(),
  });
  run.clickAckMs = click.ms;
  run.clickStatus = click.status;
  await withTimeout(stack.client.workflow.getHandle(incidentWorkflowId(number)).result(), left(), `${number} to complete`);
  run.totalMs = Date.now() - createdAt;
  return run;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
