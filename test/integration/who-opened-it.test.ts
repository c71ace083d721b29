import { slackViewWorkflowId } from '../../src/contracts/workflow-ids';
import { sendSlashCommand, sendViewSubmission } from '../../src/sandbox/slack-requests';
import { impactUrgencyFor } from '../../src/servicenow/priority';
import { click, decisionMessage, incidentResult } from '../helpers/incident-loop';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { APPROVERS } from '../helpers/test-policy';

const [ALICE, BOB] = APPROVERS as [string, string];

/**
 * Who opened an incident may not approve its resolution: the Slack user who ran `/ops incident`, and the ServiceNow
 * caller or opener, matched to Slack users by e-mail. Everything arrives as in production: signed Slack requests,
 * Business Rule webhooks, users.info and sys_user look-ups.
 */
describe('who opened an incident may not approve it', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  /** Two approvers who are also ServiceNow users with the same e-mail addresses. */
  const people = (s: Stack) => {
    s.slack.users.set({ id: ALICE, name: 'alice', email: 'alice@example.com' });
    s.slack.users.set({ id: BOB, name: 'bob', email: 'bob@example.com' });
    return { alice: s.servicenow.tables.addUser({ user_name: 'alice', name: 'Alice Approver', email: 'alice@example.com' }), bob: s.servicenow.tables.addUser({ user_name: 'bob', name: 'Bob Approver', email: 'bob@example.com' }) };
  };
  const openInServiceNow = (fields: { caller_id?: string; opened_by?: string }) => {
    stack.servicenow.installBusinessRule(stack.businessRule);
    return stack.servicenow.createIncident({ short_description: 'Payments API 5xx above 5%', state: '2', ...impactUrgencyFor('3'), ...fields }).number;
  };
  const refusalOf = async (clicked: { responseUrl: string }) => String((await eventually(() => stack.slack.responsesFor(clicked.responseUrl)[0]?.body, 30_000, 'the refusal')).text);

  it('the Slack user who ran /ops incident may not approve it, though the Business Rule started the investigation first', async () => {
    // The findings come late, so the decision is asked after both events arrived, whichever came first.
    stack = await startStack({ agentDelayMs: 3000 });
    stack.servicenow.installBusinessRule(stack.businessRule);
    // OpsLoop reads the new incident back slowly: the Business Rule's insert event reaches it well before.
    stack.servicenow.faults.add('GET incident', { delayMs: 1500 });
    const number = stack.servicenow.nextIncidentNumber();
    const ack = await sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text: 'incident', userId: ALICE, channelId: 'C0INCIDENTS', responseUrl: stack.slack.newResponseUrl() });
    expect(ack.status).toBe(200);
    const form = await eventually(() => stack.slack.views.at(-1), 5000, 'the incident form');
    const submitted = await sendViewSubmission(stack.apiUrl, stack.signingSecret, {
      userId: ALICE,
      view: { id: form.id, ...form.view },
      values: { short_description: 'Checkout API 5xx above 5%', description: 'Since the 10:00 deploy.', priority: '3', cmdb_ci: 'checkout-api' },
      selects: ['priority'],
    });
    expect(submitted.status).toBe(200);
    await stack.client.workflow.getHandle(slackViewWorkflowId(form.id)).result();
    expect(stack.servicenow.deliveries.filter((d) => d.number === number).map((d) => d.sysModCount)).toEqual(['0']);

    const decision = await decisionMessage(stack, number);
    expect(await refusalOf(await click(stack, decision, 'approve', ALICE))).toContain('You asked for this');
    expect(stack.servicenow.transitions.filter((t) => t.number === number)).toEqual([]);
    await click(stack, decision, 'approve', BOB);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved', decidedBy: BOB });
  });

  it("the incident's ServiceNow caller may not approve it; resolved_by is the approver's ServiceNow user, named in the work note", async () => {
    stack = await startStack();
    const { alice, bob } = people(stack);
    const number = openInServiceNow({ caller_id: alice.sys_id });
    const decision = await decisionMessage(stack, number);

    expect(await refusalOf(await click(stack, decision, 'approve', ALICE))).toContain(`You opened ${number} in ServiceNow (its caller or opener)`);
    expect(stack.servicenow.transitions.filter((t) => t.number === number)).toEqual([]);
    await click(stack, decision, 'approve', BOB);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved', decidedBy: BOB });
    const incident = stack.servicenow.incident(number)!;
    expect(incident.resolved_by).toBe(bob.sys_id);
    expect(incident.work_notes.join('\n')).toContain(`resolved_by: bob (Slack ${BOB})`);
    // The caller's and the opener's addresses found their Slack users; the approver's address found their ServiceNow user.
    expect(stack.slack.calls.filter((c) => c.method === 'users.lookupByEmail').map((c) => c.args.email)).toEqual(['alice@example.com', 'admin@example.com']);
    expect(stack.slack.calls.filter((c) => c.method === 'users.info').map((c) => c.args.user)).toEqual([BOB]);
    expect(stack.servicenow.requests.filter((r) => r.path === '/api/now/table/sys_user').map((r) => r.query.sysparm_query)).toEqual(['email=bob@example.com^active=true']);
  });

  it('whoever opened the incident in ServiceNow may not approve it; an approver without a ServiceNow user resolves as the integration user', async () => {
    stack = await startStack();
    const { alice } = people(stack);
    stack.slack.users.set({ id: BOB, name: 'bob', email: 'bob@elsewhere.example' });
    const number = openInServiceNow({ opened_by: alice.sys_id });
    const decision = await decisionMessage(stack, number);

    expect(await refusalOf(await click(stack, decision, 'approve', ALICE))).toContain(`You opened ${number} in ServiceNow (its caller or opener)`);
    await click(stack, decision, 'approve', BOB);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved', decidedBy: BOB });
    const incident = stack.servicenow.incident(number)!;
    expect(incident.resolved_by).toBe(stack.servicenow.tables.userByName('opsloop.integration')!.sys_id);
    expect(incident.work_notes.join('\n')).toContain(`resolved_by: the integration user opsloop.integration (no active ServiceNow user has the e-mail of Slack user ${BOB})`);
  });

  it('without the users:read.email scope Slack finds nobody by e-mail, and OpsLoop refuses approvals it cannot check', async () => {
    stack = await startStack();
    const { alice } = people(stack);
    stack.slack.scopes.delete('users:read.email');
    const number = openInServiceNow({ caller_id: alice.sys_id });
    const decision = await decisionMessage(stack, number);

    expect(await refusalOf(await click(stack, decision, 'approve', ALICE))).toContain('users:read.email');
    expect(await refusalOf(await click(stack, decision, 'approve', BOB))).toContain('users:read.email');
    expect(stack.servicenow.transitions.filter((t) => t.number === number)).toEqual([]);
  });
});
