import { incidentWorkflowId } from '../contracts/workflow-ids';
import type { FakePagerDuty } from './fake-pagerduty';
import type { FakeServiceNow } from './fake-servicenow';
import type { FakeSlack } from './fake-slack';
import { buttonsOf, findDecisionMessage, rootMessages } from './slack-messages';
import { sendButtonClick } from './slack-requests';
import { impactUrgencyFor, type Priority } from '../servicenow/priority';

/** The incident a demo opens, as a person fills in ServiceNow's form. */
export interface DemoIncident {
  short_description: string;
  description: string;
  priority: Priority;
  assignment_group: string;
  cmdb_ci: string;
}

/** The incident loop's default incident: a P1 of the Payments SRE group (the sandbox's payments route pages for it). */
export const PAYMENTS_DEMO_INCIDENT: DemoIncident = {
  short_description: 'Payments API 5xx error rate above 5%',
  description: 'Alarm payments-api-5xx fired at 5.8% for 5 minutes in eu-west-1.',
  priority: '1',
  assignment_group: 'Payments SRE',
  cmdb_ci: 'payments-api',
};

export interface IncidentDemoOptions {
  apiUrl: string;
  signingSecret: string;
  slack: FakeSlack;
  servicenow: FakeServiceNow;
  /** The sandbox user who clicks Approve; must be an approver. */
  approverId: string;
  /** Default: PAYMENTS_DEMO_INCIDENT. */
  incident?: DemoIncident;
  /** Where the demo looks for the incident's page, to say so. */
  pagerduty?: FakePagerDuty;
  timeoutMs?: number;
  print: (line: string) => void;
}

export interface IncidentDemoResult {
  ok: boolean;
  incidentNumber: string;
  workflowId: string;
  /** From the incident's creation (the Business Rule fires) to the thread's root post. */
  webhookToFirstPostMs?: number;
  /** From the Approve click to ServiceNow showing Resolved. */
  clickToResolvedMs?: number;
}

/** How long the demo waits for a page it expects (PagerDuty is paged alongside the decision, not before it). */
const PAGE_WAIT_MS = 10_000;

async function waitFor<T>(probe: () => T | undefined, deadline: number): Promise<T | undefined> {
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

/**
 * The whole loop, as people would live it: an incident is opened in ServiceNow (its Business Rule posts it to
 * OpsLoop), the thread opens in Slack, the agent's findings arrive, an approver clicks Approve, the ticket resolves.
 */
export async function runIncidentDemo(o: IncidentDemoOptions): Promise<IncidentDemoResult> {
  const deadline = Date.now() + (o.timeoutMs ?? 120_000);
  const created = Date.now();
  const { priority, ...fields } = o.incident ?? PAYMENTS_DEMO_INCIDENT;
  const incident = o.servicenow.createIncident({ ...fields, ...impactUrgencyFor(priority), state: '2' });
  const number = incident.number;
  const result: IncidentDemoResult = { ok: false, incidentNumber: number, workflowId: incidentWorkflowId(number) };
  o.print(`Demo: ${number} P${priority} "${incident.short_description}" (${fields.assignment_group}) is opened in the sandbox ServiceNow; its Business Rule posts it to OpsLoop…`);

  const root = await waitFor(() => rootMessages(o.slack, number)[0], deadline);
  if (!root) return result;
  result.webhookToFirstPostMs = o.slack.calls.find((c) => c.method === 'chat.postMessage' && String(c.args.text).startsWith(number))!.at - created;
  o.print(`Demo: Slack thread opened in ${root.channel} (${result.webhookToFirstPostMs} ms after the incident was created).`);

  const decision = await waitFor(() => findDecisionMessage(o.slack, number), deadline);
  if (!decision) return result;
  const pagerduty = o.pagerduty;
  const alertOf = () => pagerduty?.alerts.find((a) => a.dedupKey.startsWith(`opsloop/${number}/`));
  const alert = pagerduty && (await waitFor(alertOf, Math.min(deadline, Date.now() + PAGE_WAIT_MS)));
  if (alert) o.print(`Demo: PagerDuty paged the route's on-call at once (P${priority}): alert #${alert.id} ${alert.status}, "${alert.summary}".`);
  const approve = buttonsOf(decision).find((b) => b.action_id.endsWith('.approve'))!;
  // Without the zero-width spaces the mrkdwn renderer puts around emphasis.
  const shown = JSON.stringify(decision.blocks).replace(/\u200b/g, '');
  // The findings' cause: OpsLoop's "Likely cause", else the "Root cause" of the agent's investigation summary.
  const evidence = shown.match(/(?:Likely|Root) cause\*(?:\\n)+([^"]{0,140})/)?.[1] ?? '(no findings)';
  o.print(`Demo: the agent's findings are in the thread: "${evidence.replace(/\\n/g, ' ')}"`);
  const proposed = /Proposed:\* `([^`]+)`/.exec(shown)?.[1];
  if (proposed) o.print(`Demo: the agent proposes the catalog action \`${proposed}\`; the button reads "Approve and run" (Preview shows what would execute).`);
  const buttonLabel = /"action_id":"opsloop\.decision\.approve","text":\{"type":"plain_text","text":"([^"]+)"/.exec(JSON.stringify(decision.blocks))?.[1] ?? 'Approve';
  o.print(`Demo: sandbox approver <@${o.approverId}> clicks "${buttonLabel}" (signed like Slack would)…`);
  const clicked = Date.now();
  await sendButtonClick(o.apiUrl, o.signingSecret, {
    userId: o.approverId,
    actionId: approve.action_id,
    value: approve.value,
    channelId: decision.channel,
    messageTs: decision.ts,
    responseUrl: o.slack.newResponseUrl(),
  });
  const resolved = await waitFor(() => (o.servicenow.incident(number)?.state === '6' ? true : undefined), deadline);
  if (!resolved) return result;
  result.clickToResolvedMs = Date.now() - clicked;
  const after = o.servicenow.incident(number)!;
  o.print(`Demo: ServiceNow shows ${number} Resolved (${result.clickToResolvedMs} ms after the click); close notes end with: "${after.close_notes.split('\n').at(-1) ?? ''}"`);
  if (alert && (await waitFor(() => (alertOf()?.status === 'resolved' ? true : undefined), Math.min(deadline, Date.now() + PAGE_WAIT_MS)))) {
    o.print(`Demo: PagerDuty alert #${alert.id} is resolved too: the decision was made.`);
  }
  await waitFor(() => (rootMessages(o.slack, number)[0]?.text.includes('Resolved') ? true : undefined), deadline);
  o.print(`Demo: the thread's root message now reads: ${rootMessages(o.slack, number)[0]?.text}`);
  result.ok = true;
  return result;
}
