import { pageDedupKey } from '../../src/contracts/paging';
import type { Route } from '../../src/policy/route-schema';
import { sandboxRoutingKey } from '../../src/sandbox/world';
import { impactUrgencyFor } from '../../src/servicenow/priority';
import { click, decisionMessage, incidentResult, rootMessages, threadReplies } from '../helpers/incident-loop';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { testPolicy } from '../helpers/test-policy';

const CHANNEL = 'C0PAYMENTS';
const [LEAD, SECOND] = ['U0PAYLEAD', 'U0PAYSECOND'];
const [PRIMARY_KEY, SECONDARY_KEY] = [sandboxRoutingKey(), sandboxRoutingKey()];
const REMINDER_MS = 3000;

const route: Route = {
  name: 'payments',
  match: { assignmentGroups: ['Payments SRE'] },
  channel: CHANNEL,
  approvers: { users: [LEAD, SECOND], groups: [] },
  investigateUpTo: '5',
  reminderIntervalMs: REMINDER_MS,
  oncall: { routingKey: PRIMARY_KEY, escalationRoutingKeys: [SECONDARY_KEY], escalationPolicyId: 'PPAYMTS', pageAtOnceUpTo: '1' },
};

/**
 * Paging through PagerDuty's Events API v2 (the sandbox fake, over HTTP) when a decision waits: driven by signed
 * Business Rule webhooks and button clicks; PagerDuty's alerts are what comes out.
 */
describe('paging the on-call when a decision waits', () => {
  let stack: Stack;
  beforeAll(async () => {
    // The policy's rule asks two approvals of a P1; one is enough here, the route's own.
    stack = await startStack({ policy: testPolicy({ routes: [{ ...route, approvals: { default: { approvals: 1, requesterMayApprove: false }, byPriority: {} } }] }), channels: [{ id: CHANNEL, name: 'payments', botIsMember: true }] });
    stack.pagerduty.routingKeys.add(PRIMARY_KEY);
    stack.pagerduty.routingKeys.add(SECONDARY_KEY);
    stack.pagerduty.onCalls.set('PPAYMTS', [
      { level: 1, user: { id: 'PUPRIMARY', name: 'Pat Primary' } },
      { level: 2, user: { id: 'PUSECOND', name: 'Sam Second' } },
    ]);
    stack.servicenow.installBusinessRule(stack.businessRule);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const open = (priority: '1' | '3') => stack.servicenow.createIncident({ short_description: `Payments P${priority}: card authorisations failing`, state: '2', assignment_group: 'Payments SRE', ...impactUrgencyFor(priority) }).number;
  const alertsOf = (number: string) => stack.pagerduty.alerts.filter((a) => a.dedupKey.startsWith(`opsloop/${number}/`));
  const notes = (number: string) => threadReplies(stack, rootMessages(stack, number)[0]!).map((m) => m.text);

  it('pages a P1 once at once even when PagerDuty\'s answer is lost, pages the next level on Escalate, and resolves both once approved', async () => {
    // PagerDuty keeps the first trigger but its answer never arrives: the retried activity must not open a second alert.
    stack.pagerduty.faults.add('enqueue', { dropResponse: true });
    const number = open('1');
    const first = await decisionMessage(stack, number);
    // The decision message names who is on call, per level (PagerDuty's on-calls of the route's escalation policy).
    expect(JSON.stringify(first.blocks)).toContain('On call for payments: Pat Primary (level 1), Sam Second (level 2)');
    const [alert] = await eventually(() => alertsOf(number).length > 0 && alertsOf(number), 30_000, 'the first page');
    expect(alert).toMatchObject({ routingKey: PRIMARY_KEY, dedupKey: pageDedupKey(number, 1), status: 'triggered', severity: 'critical' });
    const triggers = () => stack.pagerduty.events.filter((e) => JSON.stringify(e.body).includes(`"dedup_key":"${pageDedupKey(number, 1)}"`) && JSON.stringify(e.body).includes('"event_action":"trigger"'));
    await eventually(() => triggers().length === 2, 30_000, 'the retried trigger');
    expect(triggers().map((e) => [e.outcome, e.answerDropped ?? false])).toEqual([['opened', true], ['deduplicated', false]]);
    const paged = await eventually(() => notes(number).find((t) => t.includes(':pager: Paged')), 10_000, 'the page in the thread');
    expect(paged).toContain('Pat Primary');
    expect(paged).toMatch(/at \d\d:\d\d UTC/);

    await click(stack, first, 'escalate', LEAD);
    await eventually(() => alertsOf(number).length === 2, 30_000, 'the second level paged');
    expect(alertsOf(number).map((a) => [a.routingKey, a.dedupKey])).toEqual([
      [PRIMARY_KEY, pageDedupKey(number, 1)],
      [SECONDARY_KEY, pageDedupKey(number, 2)],
    ]);
    expect(await eventually(() => notes(number).find((t) => t.includes('(level 2)')), 10_000, 'the second page in the thread')).toContain('Sam Second');

    const second = await eventually(() => {
      const m = threadReplies(stack, rootMessages(stack, number)[0]!).filter((r) => r.ts !== first.ts).find((r) => JSON.stringify(r.blocks ?? []).includes('opsloop.decision.approve'));
      return m && structuredClone(m);
    }, 30_000, 'the decision asked again');
    await click(stack, second, 'approve', SECOND);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved' });
    await eventually(() => alertsOf(number).every((a) => a.status === 'resolved'), 10_000, 'both alerts resolved');
    // Exactly one alert per level, whatever was retried.
    expect(alertsOf(number).length).toBe(2);
  });

  it('pages a P3 only once its decision waited the route\'s reminder interval, and resolves it when decided', async () => {
    const number = open('3');
    const decision = await decisionMessage(stack, number);
    const askedAt = Date.now();
    expect(alertsOf(number)).toEqual([]);
    await eventually(() => alertsOf(number).length > 0, REMINDER_MS + 15_000, 'the page after the reminder interval');
    expect(Date.now() - askedAt).toBeGreaterThanOrEqual(REMINDER_MS - 1000);
    expect(alertsOf(number).map((a) => [a.dedupKey, a.severity])).toEqual([[pageDedupKey(number, 1), 'warning']]);

    await click(stack, decision, 'reject', LEAD);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'rejected' });
    await eventually(() => alertsOf(number)[0]?.status === 'resolved', 10_000, 'the alert resolved');
  });
});
