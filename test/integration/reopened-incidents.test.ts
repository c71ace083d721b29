import { incidentStatusQuery } from '../../src/contracts/messages';
import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { businessRuleBody, sendBusinessRuleEvent } from '../../src/sandbox/business-rule-sender';
import type { FakeIncident } from '../../src/sandbox/fake-incident';
import { sendSlashCommand } from '../../src/sandbox/slack-requests';
import { buttonsOf, click, decisionMessage, incidentResult, openIncident, rootMessages, threadReplies } from '../helpers/incident-loop';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { APPROVERS } from '../helpers/test-policy';

const [APPROVER] = APPROVERS as [string];

describe('an incident that comes back after its investigation ended', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  const runOf = async (number: string) => stack.client.workflow.getHandle(incidentWorkflowId(number)).describe();
  /** A version of the incident posted by the Business Rule, signed, as ServiceNow sends it (e.g. a late copy). */
  const postEvent = (incident: FakeIncident) => sendBusinessRuleEvent({ url: stack.apiUrl, secret: stack.serviceNowWebhookSecret }, businessRuleBody(incident, 'update'));
  const threadOfRun = (number: string, runId: string) => rootMessages(stack, number).find((m) => JSON.stringify(m.blocks).includes(runId));

  it('starts a new investigation, with its own thread, when a ticket OpsLoop resolved is set back to In Progress', async () => {
    stack = await startStack();
    const number = openIncident(stack, { short_description: 'Checkout API latency above 2 s', cmdb_ci: 'checkout-api' }, { skipUser: stack.businessRule.skipUser });
    const opened = stack.servicenow.incident(number)!;
    await click(stack, await decisionMessage(stack, number), 'approve', APPROVER);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved' });
    const first = await runOf(number);

    // A late copy of the version that opened it changes nothing: OpsLoop already resolved that incident.
    expect(await postEvent(opened)).toBe(202);
    expect((await runOf(number)).runId).toBe(first.runId);

    // Someone in ServiceNow sets it back to In Progress: the Business Rule posts the update, signed.
    stack.servicenow.updateIncident(number, { state: '2' });
    await stack.servicenow.settled();
    expect(stack.servicenow.deliveries.at(-1)).toMatchObject({ number, status: 202 });
    const second = await eventually(async () => {
      const run = await runOf(number);
      return run.runId !== first.runId ? run : undefined;
    }, 30_000, 'a new run of the investigation');
    expect(second.status.name).toBe('RUNNING');
    const thread = await eventually(() => threadOfRun(number, second.runId), 30_000, "the new run's thread");
    expect(rootMessages(stack, number)).toHaveLength(2);
    expect(thread.text).toContain(number);
    expect(threadOfRun(number, first.runId)!.text).toContain('Resolved');
    // The new run read the incident from ServiceNow and asks for a decision on it again.
    await eventually(async () => (await stack.client.workflow.getHandle(incidentWorkflowId(number)).query(incidentStatusQuery)).stage === 'awaiting-decision', 30_000, 'a new decision');

    // The same update delivered again joins the new run: no third one.
    expect(await postEvent(stack.servicenow.incident(number)!)).toBe(202);
    expect((await runOf(number)).runId).toBe(second.runId);
  });

  it('starts a new run for /ops investigate after the investigation ended, where it used to fail', async () => {
    stack = await startStack();
    const number = openIncident(stack, { short_description: 'Payments API 5xx errors', cmdb_ci: 'payments-api' }, { skipUser: stack.businessRule.skipUser });
    await click(stack, await decisionMessage(stack, number), 'reject', APPROVER);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'rejected' });
    const first = await runOf(number);

    // Still open in ServiceNow: an edit there does not start the investigation a person rejected again.
    stack.servicenow.updateIncident(number, { description: 'Still failing after the deploy' });
    await stack.servicenow.settled();
    expect(stack.servicenow.deliveries.at(-1)).toMatchObject({ number, status: 202 });
    expect((await runOf(number)).runId).toBe(first.runId);

    const answer = await sendSlashCommand(stack.apiUrl, stack.signingSecret, {
      command: '/ops',
      text: `investigate ${number}`,
      userId: 'U0OPERATOR',
      channelId: 'C0INCIDENTS',
      responseUrl: stack.slack.newResponseUrl(),
    });
    expect(answer).toMatchObject({ status: 200, body: { text: `:mag: Investigating ${number}; its thread opens in the incident channel.` } });
    const second = await runOf(number);
    expect(second.runId).not.toBe(first.runId);
    expect(second.status.name).toBe('RUNNING');
    const thread = await eventually(() => threadOfRun(number, second.runId), 30_000, "the new run's thread");
    await eventually(() => threadReplies(stack, thread).find((m) => buttonsOf(m).length > 0), 30_000, 'a decision in the new thread');
    expect(rootMessages(stack, number)).toHaveLength(2);
  });
});
