import { approvalWorkflowId, incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { APPROVERS } from '../helpers/test-policy';
import { check } from './checker';
import { decisionIn } from './harness/incident-flow';
import { worldOf } from './harness/world';
import { Ledger } from './ledger';
import { buttonClick, mention, serviceNowEvent } from './requests';
import { impactUrgencyFor } from '../../src/servicenow/priority';

const [APPROVER, SECOND_APPROVER] = APPROVERS as [string, string];

describe('fault 10: duplicate and late deliveries', () => {
  let stack: Stack;
  afterAll(async () => {
    await stack?.close();
  });

  it('keeps one run, one thread and one decision per incident, and refuses a click after expiry', async () => {
    stack = await startStack({ env: { OPSLOOP_APPROVAL_EXPIRY_MS: '8000', OPSLOOP_APPROVAL_REMINDER_MS: '60000' } });
    const ledger = new Ledger(stack.apiUrl);
    const raced = stack.servicenow.createIncident({ short_description: 'Orders API 5xx after deploy', state: '2', ...impactUrgencyFor('2') });
    const expiring = stack.servicenow.createIncident({ short_description: 'Nightly export late', state: '2', ...impactUrgencyFor('2') });

    // A retrying sender (or a Business Rule firing on insert and update) delivers the same version five times at once.
    const deliveries = await ledger.sendAll([...Array.from({ length: 5 }, () => serviceNowEvent(stack.serviceNowWebhookSecret, raced, 'insert')), serviceNowEvent(stack.serviceNowWebhookSecret, expiring, 'insert')]);
    expect(deliveries.map((d) => d.status)).toEqual([202, 202, 202, 202, 202, 202]);
    const decision = await decisionIn(stack, raced.number);
    const expiringDecision = await decisionIn(stack, expiring.number);

    // Slack redelivers an event it thinks timed out: the original and retries 1–3 arrive together.
    const threadTs = '1700000900.000900';
    const eventId = `EvDup${Date.now()}`;
    const events = await ledger.sendAll([0, 1, 2, 3].map((retry) => mention(stack.signingSecret, { eventId, text: `status ${raced.number}`, userId: 'U0ALICE', ts: threadTs, retry })));
    expect(events.map((e) => e.status)).toEqual([200, 200, 200, 200]);

    // Two approvers race with opposite decisions while one of them double-clicks.
    const click = (userId: string, choice: 'approve' | 'reject') =>
      buttonClick(stack.signingSecret, decision, { choice, userId, responseUrl: stack.slack.newResponseUrl(), expect: { race: 'raced' } });
    await ledger.sendAll([click(APPROVER, 'approve'), click(APPROVER, 'approve'), click(SECOND_APPROVER, 'reject')]);
    const outcome = (await stack.client.workflow.getHandle(incidentWorkflowId(raced.number)).result()) as { outcome: string };

    await expect(stack.client.workflow.getHandle(incidentWorkflowId(expiring.number)).result()).resolves.toMatchObject({ outcome: 'expired' });
    const lateUrl = stack.slack.newResponseUrl();
    await ledger.send(buttonClick(stack.signingSecret, expiringDecision, { choice: 'approve', userId: APPROVER, responseUrl: lateUrl, expect: 'refused' }));
    expect(String((await eventually(() => stack.slack.responsesFor(lateUrl)[0]?.body)).text)).toContain('This decision is closed');

    const verdict = await check(ledger, worldOf(stack), {
      incidents: {
        [raced.number]: { threads: 1, resolved: outcome.outcome === 'resolved' ? 1 : 0 },
        [expiring.number]: { threads: 1, resolved: 0 },
      },
    });
    expect(verdict.violations).toEqual([]);
    expect(['resolved', 'rejected']).toContain(outcome.outcome);
    expect(stack.slack.messages.filter((m) => m.thread_ts === threadTs)).toHaveLength(1);
    expect([...stack.agent.backlog.tasks.values()].filter((t) => t.reference?.referenceId === raced.number)).toHaveLength(1);
    await expect(stack.client.workflow.getHandle(approvalWorkflowId(expiring.number, 1)).result()).resolves.toMatchObject({ outcome: 'expired' });
  });
});
