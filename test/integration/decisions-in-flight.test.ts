import { incidentStatusQuery } from '../../src/contracts/messages';
import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { findDecisionMessage, threadReplies } from '../../src/sandbox/slack-messages';
import { sendSlashCommand } from '../../src/sandbox/slack-requests';
import { impactUrgencyFor } from '../../src/servicenow/priority';
import { buttonsOf, click, decisionMessage, incidentResult, openIncident, rootMessages } from '../helpers/incident-loop';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { APPROVERS } from '../helpers/test-policy';

const [APPROVER, SECOND_APPROVER] = APPROVERS as [string, string];

/** What changes while a decision is pending, arriving the way it arrives in production: Business Rule webhooks, Slack. */
describe('a pending decision follows what happens to its incident', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  /** The investigation's outcome, or a failure after `ms` (a decision left open would otherwise wait for its expiry). */
  const outcomeWithin = (number: string, ms = 30_000) =>
    Promise.race([incidentResult(stack, number), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${number}'s investigation still running after ${ms} ms`)), ms).unref())]);
  const pendingRule = async (number: string) => (await stack.client.workflow.getHandle(incidentWorkflowId(number)).query(incidentStatusQuery)).pendingApproval;

  it('a P3 raised to P1 in ServiceNow while its decision is pending is asked again under the P1 rule (two approvers)', async () => {
    stack = await startStack();
    const number = openIncident(stack, { short_description: 'Search results stale', priority: '3' }, { skipUser: stack.businessRule.skipUser });
    const first = await decisionMessage(stack, number);
    expect(await pendingRule(number)).toMatchObject({ requiredApprovals: 1 });

    // A person in ServiceNow raises impact and urgency; the Business Rule posts the update.
    stack.servicenow.updateIncident(number, impactUrgencyFor('1'));
    const second = await eventually(() => {
      const live = findDecisionMessage(stack.slack, number);
      return live && live.ts !== first.ts ? structuredClone(live) : undefined;
    }, 30_000, 'the decision asked again');
    expect(buttonsOf(stack.slack.messages.find((m) => m.ts === first.ts)!)).toEqual([]);
    await eventually(async () => (await pendingRule(number))?.requiredApprovals === 2, 10_000, 'the P1 rule on the pending request');

    // An approval of the superseded request counts for nothing; one approval of the new one is not enough.
    const stale = await click(stack, first, 'approve', APPROVER);
    expect(String((await eventually(() => stack.slack.responsesFor(stale.responseUrl)[0]?.body)).text)).toMatch(/superseded|closed/);
    const one = await click(stack, second, 'approve', APPROVER);
    expect(one.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    expect(stack.servicenow.transitions.filter((t) => t.number === number)).toEqual([]);
    expect(await pendingRule(number)).toMatchObject({ requiredApprovals: 2 });

    await click(stack, second, 'approve', SECOND_APPROVER);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved', decidedBy: SECOND_APPROVER });
    expect(stack.servicenow.incident(number)!.priority).toBe('1');
  });

  it("OpsLoop's own /ops resolve (not sent back by a --skip-user Business Rule) withdraws the pending decision, and the thread says so", async () => {
    stack = await startStack();
    const number = openIncident(stack, { short_description: 'Payments queue backlog' }, { skipUser: stack.businessRule.skipUser });
    const decision = await decisionMessage(stack, number);

    const responseUrl = stack.slack.newResponseUrl();
    const ack = await sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text: `resolve ${number} drained the queue by hand`, userId: 'U0OPERATOR', channelId: 'C0INCIDENTS', responseUrl });
    expect(ack.status).toBe(200);
    expect(String((await eventually(() => stack.slack.responsesFor(responseUrl)[0]?.body)).text)).toContain(`${number} resolved`);

    await expect(outcomeWithin(number)).resolves.toMatchObject({ outcome: 'finished-elsewhere' });
    const closed = stack.slack.messages.find((m) => m.ts === decision.ts)!;
    expect(buttonsOf(closed)).toEqual([]);
    expect(closed.text).toContain('Withdrawn');
    const [root] = rootMessages(stack, number);
    expect(threadReplies(stack.slack, root!).map((m) => m.text).join('\n')).toContain('the pending decision was withdrawn');
    // Only OpsLoop's one resolving write: the Business Rule skipped it, and nothing else was resolved or sent back.
    expect(stack.servicenow.transitions.filter((t) => t.number === number)).toEqual([expect.objectContaining({ from: '2', to: '6' })]);
    expect(stack.servicenow.deliveries.filter((d) => d.number === number).map((d) => d.sysModCount)).toEqual(['0']);
    const late = await click(stack, decision, 'approve', APPROVER);
    expect(String((await eventually(() => stack.slack.responsesFor(late.responseUrl)[0]?.body)).text)).toContain('closed');
  });
});
