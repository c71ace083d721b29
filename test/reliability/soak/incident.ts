import type { ProcessStack } from '../harness/process-stack';
import type { Entry, Ledger, Outgoing } from '../ledger';
import { acknowledged } from '../check-effects';
import { buttonClick, serviceNowEvent, slashCommand } from '../requests';
import { APPROVERS } from '../../helpers/test-policy';
import { sleep, type FakesWatch } from './watch';
import { impactUrgencyFor } from '../../../src/servicenow/priority';

/** How one incident goes through the loop; a few in every hundred repeat a request or are resolved by command. */
export interface IncidentPlan {
  index: number;
  priority: '2' | '3' | '4';
  /** The Business Rule's insert delivered twice at once (a retry racing the original). */
  duplicateWebhook: boolean;
  /** The approver clicks Approve twice (two requests, one decision). */
  doubleClick: boolean;
  /** Someone types `/ops resolve INC… notes` while the decision waits, instead of clicking. */
  slashResolve: boolean;
}

export const planFor = (index: number): IncidentPlan => ({
  index,
  priority: (['2', '3', '4'] as const)[index % 3]!,
  duplicateWebhook: index % 10 === 3,
  doubleClick: index % 10 === 6,
  slashResolve: index % 25 === 11,
});

/** A person or system gives up on the loop after this long; the checker then reports what is missing. */
const STEP_TIMEOUT_MS = 5 * 60_000;
/** ServiceNow's REST retry policy and a person trying again: spaced retries, for as long as a step may take. */
const RETRY_DELAY_MS = 2_000;
const SENDER_RETRIES = 150;

export interface Driver {
  /** The process stack, or anything else with the fakes and the secrets requests are signed with. */
  stack: Pick<ProcessStack, 'slack' | 'servicenow' | 'signingSecret' | 'serviceNowWebhookSecret'>;
  ledger: Ledger;
  watch: FakesWatch;
  stopping: () => boolean;
}

/** Sends (re-signing each attempt) until the answer is an acknowledgement, as a sender told "503, retry" would. */
async function untilAcknowledged(d: Driver, build: () => Outgoing): Promise<Entry> {
  for (let attempt = 1; ; attempt++) {
    const entry = await d.ledger.send(build());
    if (acknowledged(entry)) return entry;
    if (entry.status >= 400 && entry.status < 500 && entry.status !== 429) throw new Error(`${entry.route}: ${entry.status} ${entry.answer.slice(0, 200)}`);
    if (attempt >= SENDER_RETRIES || d.stopping()) throw new Error(`${entry.route}: not acknowledged after ${attempt} attempts (last ${entry.status})`);
    await sleep(RETRY_DELAY_MS);
  }
}

/** What the approver's response_url was told, newest last. */
const replies = (d: Driver, responseUrl: string): string[] => d.stack.slack.responsesFor(responseUrl).map((r) => String(r.body.text));

/** Clicks Approve (twice for a double click) until the ticket is resolved; a click that failed is tried again. */
async function approve(d: Driver, plan: IncidentPlan, number: string): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  const userId = APPROVERS[plan.index % APPROVERS.length]!;
  while (!d.watch.resolved(number)) {
    if (Date.now() > deadline || d.stopping()) throw new Error(`${number} not resolved after its approval`);
    const message = d.watch.openDecision(number);
    if (!message) {
      // Decided (its buttons are gone): the resolution is under way.
      await sleep(500);
      continue;
    }
    const urls = Array.from({ length: plan.doubleClick ? 2 : 1 }, () => d.stack.slack.newResponseUrl());
    await d.ledger.sendAll(urls.map((responseUrl) => buttonClick(d.stack.signingSecret, message, { choice: 'approve', userId, responseUrl, expect: 'accepted' })));
    // Accepted clicks get no reply (the message changes for everyone); a failed one says so, and is clicked again.
    const failed = () => urls.some((u) => replies(d, u).some((t) => /try again|could not|:no_entry:/i.test(t)));
    await d.watch.until(() => (d.watch.resolved(number) || failed() || d.stopping() ? true : undefined), 60_000, 'resolution').catch(() => undefined);
    if (!d.watch.resolved(number)) await sleep(RETRY_DELAY_MS);
  }
}

/** `/ops resolve` while the decision waits, then the Business Rule's update (state Resolved) so the loop stops. */
async function resolveByCommand(d: Driver, number: string): Promise<void> {
  await untilAcknowledged(d, () =>
    slashCommand(d.stack.signingSecret, { text: `resolve ${number} restarted the pool (soak)`, userId: 'U0OPERATOR', responseUrl: d.stack.slack.newResponseUrl() }),
  );
  await d.watch.until(() => (d.watch.resolved(number) ? true : undefined), STEP_TIMEOUT_MS, `resolution of ${number}`);
  const incident = d.stack.servicenow.incident(number)!;
  await untilAcknowledged(d, () => serviceNowEvent(d.stack.serviceNowWebhookSecret, incident, 'update'));
}

/**
 * One incident as people and ServiceNow would take it through OpsLoop: created in ServiceNow, delivered by the
 * Business Rule (retried on 503), decided in Slack, resolved in ServiceNow. Returns the incident's number.
 */
export async function driveIncident(d: Driver, plan: IncidentPlan, onCreated: (number: string) => void): Promise<string> {
  const incident = d.stack.servicenow.createIncident({
    short_description: `Soak incident ${plan.index}: checkout latency above 2 s`,
    state: '2',
    ...impactUrgencyFor(plan.priority),
    cmdb_ci: 'payments-api',
  });
  onCreated(incident.number);
  const deliveries = plan.duplicateWebhook ? 2 : 1;
  await Promise.all(Array.from({ length: deliveries }, () => untilAcknowledged(d, () => serviceNowEvent(d.stack.serviceNowWebhookSecret, incident, 'insert'))));
  await d.watch.until(() => d.watch.openDecision(incident.number), STEP_TIMEOUT_MS, `decision message for ${incident.number}`);
  if (plan.slashResolve) await resolveByCommand(d, incident.number);
  else await approve(d, plan, incident.number);
  return incident.number;
}
