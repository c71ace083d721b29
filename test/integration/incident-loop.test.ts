import { Client, Connection } from '@temporalio/client';
import { createWorkflowGateway } from '../../src/api/workflow-gateway';
import { webhookSignature } from '../../src/signing/webhook-signature';
import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { businessRuleBody, sendBusinessRuleEvent } from '../../src/sandbox/business-rule-sender';
import { agentTasksFor, buttonsOf, click, decisionMessage, incidentResult, openIncident, rootMessages, threadReplies } from '../helpers/incident-loop';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { expectNoWorkflowsIn } from '../helpers/temporal';
import { APPROVERS } from '../helpers/test-policy';

const [APPROVER, SECOND_APPROVER] = APPROVERS as [string, string];

describe('the incident loop: ServiceNow → agent → Slack → decision → resolution', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  it('opens one thread, triggers the agent, shows findings, and resolves exactly once on approval', async () => {
    stack = await startStack();
    // The rule as generated with --skip-user: OpsLoop's own writes are not sent back to it.
    const number = openIncident(stack, { short_description: 'Checkout API latency above 2 s', cmdb_ci: 'checkout-api' }, { skipUser: stack.businessRule.skipUser });

    const decision = await decisionMessage(stack, number);
    const [root] = rootMessages(stack, number);
    expect(rootMessages(stack, number)).toHaveLength(1);
    expect(root!.channel).toBe('C0INCIDENTS');
    expect(JSON.stringify(root!.blocks)).toContain(`${stack.servicenow.url}/nav_to.do?uri=incident.do?sys_id=`);
    expect(JSON.stringify(root!.blocks)).toContain(encodeURIComponent(incidentWorkflowId(number)));

    // The agent got exactly one task, through SigV4-signed calls its endpoint verified, naming the incident.
    const tasks = agentTasksFor(stack, number);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ taskType: 'INVESTIGATION', priority: 'HIGH', reference: expect.objectContaining({ system: 'ServiceNow', referenceId: number }) });
    expect(stack.agent.calls.filter((c) => c.status >= 400)).toEqual([]);
    // ServiceNow got a work note pointing at the thread, and one with the findings.
    const notes = stack.servicenow.incident(number)!.work_notes;
    expect(notes.filter((n) => n.includes(`/archives/C0INCIDENTS/p${root!.ts.replace('.', '')}`))).toHaveLength(1);
    expect(notes.filter((n) => n.includes('Connection pool saturation') && n.includes(`Agent task: ${tasks[0]!.taskId}`))).toHaveLength(1);
    // The findings are what the approver sees.
    expect(JSON.stringify(decision.blocks)).toContain('Connection pool saturation');
    expect(buttonsOf(decision).map((b) => b.action_id)).toEqual(['opsloop.decision.approve', 'opsloop.decision.reject', 'opsloop.decision.escalate']);

    const clicked = await click(stack, decision, 'approve', APPROVER);
    expect(clicked.status).toBe(200);
    await expect(incidentResult(stack, number)).resolves.toEqual({ incidentNumber: number, outcome: 'resolved', decidedBy: APPROVER, sysModCount: expect.any(Number) });

    const incident = stack.servicenow.incident(number)!;
    expect(stack.servicenow.transitions.filter((t) => t.number === number)).toEqual([expect.objectContaining({ from: '2', to: '6' })]);
    expect(incident.close_notes).toContain('Connection pool saturation');
    expect(incident.close_notes).toContain(APPROVER);
    // The thread was updated in place, not spammed: one root, edited, now saying resolved; buttons gone.
    expect(rootMessages(stack, number)).toHaveLength(1);
    expect(rootMessages(stack, number)[0]!.text).toContain('Resolved');
    expect(rootMessages(stack, number)[0]!.edits).toBeGreaterThan(0);
    expect(buttonsOf(stack.slack.messages.find((m) => m.ts === decision.ts)!)).toEqual([]);
    expect(JSON.stringify(rootMessages(stack, number)[0]!.blocks)).toContain(`resolved in ServiceNow after approval by <@${APPROVER}>`);
  });

  it('opens exactly one thread even when Slack accepted the root post but its answer was lost', async () => {
    stack = await startStack();
    stack.slack.faults.add('chat.postMessage answer', { dropResponse: true });
    const number = openIncident(stack, { short_description: 'Checkout API latency above 2 s', cmdb_ci: 'checkout-api' });
    await decisionMessage(stack, number);
    expect(rootMessages(stack, number)).toHaveLength(1);
    expect(stack.slack.calls.filter((c) => c.method === 'conversations.history')).toHaveLength(1);
  });

  it('posts the decision request once even when Slack accepted it but its answer was lost, and the decision still works', async () => {
    stack = await startStack();
    stack.slack.faults.add('chat.postMessage reply answer', { dropResponse: true });
    const number = openIncident(stack, { short_description: 'Checkout API latency above 2 s', cmdb_ci: 'checkout-api' });
    const decision = await decisionMessage(stack, number);
    await eventually(() => stack.slack.calls.some((c) => c.method === 'conversations.replies'), 30_000, 'the retried post to look for its message');
    const [root] = rootMessages(stack, number);
    expect(threadReplies(stack, root!).filter((m) => buttonsOf(m).length > 0).map((m) => m.ts)).toEqual([decision.ts]);
    expect((await click(stack, decision, 'approve', APPROVER)).status).toBe(200);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved' });
    // Besides the decision, only the timeline's summary at the end.
    expect(threadReplies(stack, root!).map((m) => (m.ts === decision.ts ? 'decision' : m.text.split(' ')[0]))).toEqual(['decision', ':stopwatch:']);
  });

  it("refuses a non-approver's click with an ephemeral reason and changes nothing; a double click and duplicate webhooks change nothing more", async () => {
    stack = await startStack();
    const number = openIncident(stack, { short_description: 'Orders DB connections exhausted' });
    const decision = await decisionMessage(stack, number);

    const intruder = await click(stack, decision, 'approve', 'U0INTRUDER');
    expect(intruder.status).toBe(200);
    const refusal = await eventually(() => stack.slack.responsesFor(intruder.responseUrl)[0]?.body);
    expect(refusal).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(refusal.text)).toContain('Only the approvers');
    expect(stack.servicenow.transitions).toHaveLength(0);

    // Five concurrent identical deliveries of the current version, as a retrying sender would make.
    const current = stack.servicenow.incident(number)!;
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () => sendBusinessRuleEvent({ url: stack.apiUrl, secret: stack.serviceNowWebhookSecret }, businessRuleBody(current, 'update'))),
    );
    expect(statuses).toEqual([202, 202, 202, 202, 202]);

    const [first, second] = await Promise.all([click(stack, decision, 'approve', APPROVER), click(stack, decision, 'approve', APPROVER)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const late = await click(stack, decision, 'reject', SECOND_APPROVER);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved', decidedBy: APPROVER });
    const lateReply = await eventually(() => stack.slack.responsesFor(late.responseUrl)[0]?.body);
    expect(String(lateReply.text)).toMatch(/Already decided|decision is closed/);

    expect(rootMessages(stack, number)).toHaveLength(1);
    expect(agentTasksFor(stack, number)).toHaveLength(1);
    expect(stack.servicenow.transitions.filter((t) => t.number === number)).toHaveLength(1);
    expect(stack.servicenow.requests.filter((r) => r.method === 'PATCH' && (r.body as { state?: string }).state === '6')).toHaveLength(1);
  });

  it('withdraws the pending decision when the incident is resolved in ServiceNow meanwhile', async () => {
    stack = await startStack();
    const number = openIncident(stack, { short_description: 'VPN flapping' });
    const decision = await decisionMessage(stack, number);
    stack.servicenow.updateIncident(number, { state: '6', close_code: 'Solution provided', close_notes: 'Fixed by the network team' });

    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'finished-elsewhere' });
    const closed = stack.slack.messages.find((m) => m.ts === decision.ts)!;
    expect(buttonsOf(closed)).toEqual([]);
    expect(closed.text).toContain('Withdrawn');
    expect(rootMessages(stack, number)[0]!.text).toContain('Resolved');
    const clickAfter = await click(stack, decision, 'approve', APPROVER);
    expect(clickAfter.status).toBe(200);
    expect(String((await eventually(() => stack.slack.responsesFor(clickAfter.responseUrl)[0]?.body)).text)).toContain('closed');
    expect(stack.servicenow.transitions.filter((t) => t.number === number)).toHaveLength(1); // only the person's own change
  });

  it('expires without approving, after reminding the escalation target', async () => {
    stack = await startStack({ env: { OPSLOOP_APPROVAL_EXPIRY_MS: '2500', OPSLOOP_APPROVAL_REMINDER_MS: '1000', OPSLOOP_ESCALATION_TARGET: '<!subteam^S0ONCALL>' } });
    const number = openIncident(stack, { short_description: 'Disk filling on fileserver-02' });
    await decisionMessage(stack, number);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'expired' });
    const [root] = rootMessages(stack, number);
    const replies = threadReplies(stack, root!).map((m) => m.text);
    expect(replies.filter((t) => t.startsWith('<!subteam^S0ONCALL> :bell: Reminder'))).toHaveLength(2);
    expect(root!.text).toContain('Decision expired');
    expect(stack.servicenow.transitions).toHaveLength(0);
  });

  it('still asks for a decision when the agent never answers', async () => {
    stack = await startStack({ env: { OPSLOOP_FINDINGS_TIMEOUT_MS: '1500' } });
    stack.servicenow.installBusinessRule({ url: stack.apiUrl, secret: stack.serviceNowWebhookSecret });
    // The incident number is known before creation, so the agent can be told to stay silent for it.
    const expected = stack.servicenow.nextIncidentNumber();
    stack.agent.outcomes.set(expected, 'SILENT');
    const number = stack.servicenow.createIncident({ short_description: 'Mystery errors', state: '2' }).number;
    expect(number).toBe(expected);
    const decision = await decisionMessage(stack, number);
    expect(JSON.stringify(decision.blocks)).toContain('sent no findings');
    const [root] = rootMessages(stack, number);
    expect(threadReplies(stack, root!).map((m) => m.text).join('\n')).toContain('No findings from the agent in time');
    await click(stack, decision, 'reject', APPROVER);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'rejected', decidedBy: APPROVER });
    expect(stack.servicenow.incident(number)!.state).toBe('2');
  });
});

describe('POST /webhooks/servicenow refuses what it cannot trust, and never answers 2xx without a durable record', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  const post = (s: Stack, body: string, headers: Record<string, string>) =>
    fetch(`${s.apiUrl}/webhooks/servicenow`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const signed = (secret: string, body: string, ts = Math.floor(Date.now() / 1000)) => ({
    'x-opsloop-timestamp': String(ts),
    'x-opsloop-signature': webhookSignature(secret, String(ts), body),
  });

  it('401 for a forged or stale signature, 400 for malformed bodies, 415 for another content type; nothing started', async () => {
    stack = await startStack();
    const body = businessRuleBody(stack.servicenow.incident('INC0010001')!, 'update');
    expect((await post(stack, body, signed('forged-secret-forged', body))).status).toBe(401);
    expect((await post(stack, body, signed(stack.serviceNowWebhookSecret, body, Math.floor(Date.now() / 1000) - 301))).status).toBe(401);
    expect((await post(stack, body, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(stack, body, {})).status).toBe(401);
    const garbage = '{"sys_id":';
    expect((await post(stack, garbage, signed(stack.serviceNowWebhookSecret, garbage))).status).toBe(400);
    const invalid = JSON.stringify({ ...JSON.parse(body), number: 'PRB0001' });
    const res = await post(stack, invalid, signed(stack.serviceNowWebhookSecret, invalid));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('number');
    const asForm = await fetch(`${stack.apiUrl}/webhooks/servicenow`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...signed(stack.serviceNowWebhookSecret, body) },
      body,
    });
    expect(asForm.status).toBe(415);
    await expectNoWorkflowsIn(stack);
  });

  it('accepts the bearer secret as the simpler option', async () => {
    stack = await startStack();
    const body = businessRuleBody(stack.servicenow.incident('INC0010004')!, 'update'); // already resolved: finishes at once
    const res = await post(stack, body, { authorization: `Bearer ${stack.serviceNowWebhookSecret}` });
    expect(res.status).toBe(202);
    await expect(stack.client.workflow.getHandle(incidentWorkflowId('INC0010004')).result()).resolves.toMatchObject({ outcome: 'finished-elsewhere' });
    expect(stack.slack.messages).toHaveLength(0);
  });

  it('answers 503 when Temporal is unreachable', async () => {
    stack = await startStack({
      gateway: (_client, taskQueue) => createWorkflowGateway(new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 300 }) }), taskQueue),
    });
    const body = businessRuleBody(stack.servicenow.incident('INC0010001')!, 'update');
    const res = await post(stack, body, signed(stack.serviceNowWebhookSecret, body));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
  });
});
