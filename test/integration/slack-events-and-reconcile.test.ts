import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { RECONCILE_SCHEDULE_ID, ensureReconcileSchedule } from '../../src/temporal-client/reconcile-schedule';
import { renderBusinessRule } from '../../src/servicenow/business-rule';
import { signAsSlack } from '../../src/sandbox/slack-requests';
import { runBusinessRule, SAMPLE_INCIDENT } from '../helpers/servicenow-business-rule-harness';
import { decisionMessage, incidentResult, rootMessages } from '../helpers/incident-loop';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { expectNoWorkflowsIn } from '../helpers/temporal';
import { impactUrgencyFor } from '../../src/servicenow/priority';

describe('Slack Events API, /ops status, the reconcile schedule and the generated Business Rule', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  const postEvent = (body: unknown, headers: Record<string, string> = {}) => {
    const signed = signAsSlack(stack.signingSecret, JSON.stringify(body));
    return fetch(`${stack.apiUrl}/slack/events`, {
      method: 'POST',
      headers: { ...signed.headers, 'content-type': 'application/json', ...headers },
      body: signed.body,
    });
  };
  const mention = (eventId: string, text: string, ts = '1700000100.000100', more: { user?: string; thread_ts?: string } = {}) => ({
    type: 'event_callback',
    event_id: eventId,
    event_time: 1700000100,
    event: { type: 'app_mention', user: more.user ?? 'U0ALICE', text: `<@U0OPSLOOP> ${text}`, channel: 'C0INCIDENTS', ts, event_ts: ts, ...(more.thread_ts ? { thread_ts: more.thread_ts } : {}) },
  });
  const repliesIn = (ts: string) => stack.slack.messages.filter((m) => m.thread_ts === ts);

  it('answers the URL verification challenge, and only when signed', async () => {
    stack = await startStack();
    const res = await postEvent({ type: 'url_verification', token: 'x', challenge: 'c4llenge' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'c4llenge' });
    const forged = await fetch(`${stack.apiUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)), 'x-slack-signature': `v0=${'0'.repeat(64)}` },
      body: JSON.stringify({ type: 'url_verification', challenge: 'c4llenge' }),
    });
    expect(forged.status).toBe(401);
  });

  it('resolves from an @mention exactly once, even when Slack redelivers the event', async () => {
    stack = await startStack();
    const event = mention(`Ev${Date.now()}A`, 'resolve INC0010001');
    expect((await postEvent(event)).status).toBe(200);
    expect((await postEvent(event, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status).toBe(200);
    const reply = await eventually(() => repliesIn('1700000100.000100')[0]);
    expect(reply.text).toBe(':white_check_mark: INC0010001 resolved by <@U0ALICE>.');
    expect(stack.servicenow.transitions).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(repliesIn('1700000100.000100')).toHaveLength(1);
  });

  it('refuses a mention the policy does not allow once, in the thread and in the audit trail, even when Slack redelivers it', async () => {
    stack = await startStack();
    const event = mention(`Ev${Date.now()}D`, 'audit INC0010001', '1700000400.000400');
    expect((await postEvent(event)).status).toBe(200);
    expect((await postEvent(event, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status).toBe(200);
    const reply = await eventually(() => repliesIn('1700000400.000400')[0]);
    expect(reply.text).toContain(':no_entry: Not allowed');
    await new Promise((r) => setTimeout(r, 500));
    expect(repliesIn('1700000400.000400')).toHaveLength(1);
    const refused = (await stack.audit.list({})).filter((r) => r.result === 'denied');
    expect(refused).toEqual([expect.objectContaining({ source: 'mention', action: 'audit', actorId: 'U0ALICE' })]);
  });

  it('reports status by mention and by /ops status, and answers help in the thread', async () => {
    stack = await startStack();
    stack.servicenow.installBusinessRule({ url: stack.apiUrl, secret: stack.serviceNowWebhookSecret });
    const number = stack.servicenow.createIncident({ short_description: 'Queue backlog growing', state: '2', ...impactUrgencyFor('3') }).number;
    await decisionMessage(stack, number);

    await postEvent(mention(`Ev${Date.now()}S`, `status ${number}`, '1700000200.000200'));
    expect((await eventually(() => repliesIn('1700000200.000200')[0])).text).toBe(`${number} · P3 · awaiting-decision · findings received`);
    await postEvent(mention(`Ev${Date.now()}H`, 'what can you do', '1700000300.000300'));
    expect((await eventually(() => repliesIn('1700000300.000300')[0])).text).toContain("I don't know `what`");

    const signed = signAsSlack(
      stack.signingSecret,
      new URLSearchParams({ command: '/ops', text: `status ${number}`, user_id: 'U0ALICE', channel_id: 'C0INCIDENTS', response_url: stack.slack.newResponseUrl() }).toString(),
    );
    const res = await fetch(`${stack.apiUrl}/slack/commands`, { method: 'POST', headers: signed.headers, body: signed.body });
    const { text } = (await res.json()) as { text: string };
    expect(text.split('\n')[0]).toBe(`${number} · P3 · awaiting-decision · findings received`);
    expect(text).toContain('Waiting for 1 approval(s) from <@U0APPROVER1>, <@U0APPROVER2>, <@U0ADMIN>.');
  });

  it("status, approve and resolve mentioned inside an incident's thread act on that thread's incident without its number", async () => {
    stack = await startStack();
    stack.servicenow.installBusinessRule({ url: stack.apiUrl, secret: stack.serviceNowWebhookSecret, skipUser: stack.businessRule.skipUser });
    const first = stack.servicenow.createIncident({ short_description: 'Queue backlog growing', state: '2', ...impactUrgencyFor('3') }).number;
    const second = stack.servicenow.createIncident({ short_description: 'Cache hit rate dropped', state: '2', ...impactUrgencyFor('3') }).number;
    await Promise.all([decisionMessage(stack, first), decisionMessage(stack, second)]);
    const [root] = rootMessages(stack, first);
    const [otherRoot] = rootMessages(stack, second);
    const inThread = (threadTs: string) => stack.slack.messages.filter((m) => m.thread_ts === threadTs).map((m) => m.text);

    await postEvent(mention(`Ev${Date.now()}TS`, 'status', '1700000500.000500', { thread_ts: root!.ts }));
    await eventually(() => inThread(root!.ts).find((t) => t.startsWith(`${first} · P3 · awaiting-decision`)), 15_000, 'the status in the thread');

    await postEvent(mention(`Ev${Date.now()}TA`, 'approve looks right to me', '1700000501.000501', { user: 'U0APPROVER1', thread_ts: root!.ts }));
    await expect(incidentResult(stack, first)).resolves.toMatchObject({ outcome: 'resolved', decidedBy: 'U0APPROVER1' });
    expect(stack.servicenow.incident(first)!.work_notes.join('\n')).toContain('Comment: looks right to me');

    await postEvent(mention(`Ev${Date.now()}TR`, 'resolve rolled back the cache config', '1700000502.000502', { thread_ts: otherRoot!.ts }));
    await eventually(() => inThread(otherRoot!.ts).find((t) => t === `:white_check_mark: ${second} resolved by <@U0ALICE>.`), 15_000, 'the resolution in the thread');
    expect(stack.servicenow.incident(second)!.close_notes).toContain('rolled back the cache config');

    // Outside an incident's thread the number is still needed, and nothing is acted on.
    const before = stack.servicenow.transitions.length;
    await postEvent(mention(`Ev${Date.now()}TN`, 'status', '1700000503.000503'));
    expect((await eventually(() => repliesIn('1700000503.000503')[0])).text).toContain('Which incident?');
    expect(stack.servicenow.transitions).toHaveLength(before);
  });

  it('the reconcile workflow starts investigations whose webhook never arrived, and only once', async () => {
    stack = await startStack();
    // No Business Rule installed: this incident's insert event was "lost". Created two minutes ago: the read leaves the
    // last minute to the next run.
    const number = stack.servicenow.createIncident({ short_description: 'Missed by the Business Rule', state: '1', ...impactUrgencyFor('2') }, { at: Date.now() - 2 * 60_000 }).number;
    const run = () =>
      stack.client.workflow.execute('reconcileIncidents', { workflowId: `reconcile-test-${Date.now()}`, taskQueue: stack.taskQueue, args: [{ lookbackMinutes: 10 }] });
    const first = (await run()) as { seen: number; accepted: number };
    expect(first.seen).toBeGreaterThanOrEqual(1);
    await decisionMessage(stack, number);
    await run();
    const roots = stack.slack.messages.filter((m) => !m.thread_ts && m.text.startsWith(`${number} ·`));
    expect(roots).toHaveLength(1);
    await expect(stack.client.workflow.getHandle(incidentWorkflowId(number)).describe()).resolves.toMatchObject({ status: { name: 'RUNNING' } });
  });

  it('the worker creates the reconcile schedule once, and leaves an existing one alone', async () => {
    stack = await startStack();
    try {
      expect(await ensureReconcileSchedule(stack.client, stack.taskQueue, 5 * 60_000)).toBe('created');
      expect(await ensureReconcileSchedule(stack.client, stack.taskQueue, 60_000)).toBe('exists');
      const described = await stack.client.schedule.getHandle(RECONCILE_SCHEDULE_ID).describe();
      expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 5 * 60_000 })]);
      expect(described.action).toMatchObject({ workflowType: 'reconcileIncidents', args: [{ lookbackMinutes: 10 }], taskQueue: stack.taskQueue });
    } finally {
      await stack.client.schedule.getHandle(RECONCILE_SCHEDULE_ID).delete().catch(() => undefined);
    }
  });

  it("accepts the generated Business Rule's request as ServiceNow would send it", async () => {
    stack = await startStack();
    const secret = stack.serviceNowWebhookSecret;
    const script = renderBusinessRule({ endpointUrl: stack.apiUrl.replace('127.0.0.1', 'localhost'), secretProperty: 'opsloop.webhook_secret', auth: 'hmac' });
    const number = stack.servicenow.nextIncidentNumber();
    const sent = runBusinessRule(script, { ...SAMPLE_INCIDENT, values: { ...SAMPLE_INCIDENT.values, number, state: '6' } }, { secret, nowMs: Date.now() });
    const res = await fetch(sent.endpoint, { method: 'POST', headers: sent.headers, body: sent.body });
    expect(res.status).toBe(202);
    // State 6 (already resolved): the investigation finishes at once without a thread.
    await expect(stack.client.workflow.getHandle(incidentWorkflowId(number)).result()).resolves.toMatchObject({ outcome: 'finished-elsewhere' });

    const forged = runBusinessRule(script, SAMPLE_INCIDENT, { secret: 'another-secret-entirely', nowMs: Date.now() });
    expect((await fetch(forged.endpoint, { method: 'POST', headers: forged.headers, body: forged.body })).status).toBe(401);
    const stale = runBusinessRule(script, SAMPLE_INCIDENT, { secret, nowMs: Date.now() - 10 * 60_000 });
    expect((await fetch(stale.endpoint, { method: 'POST', headers: stale.headers, body: stale.body })).status).toBe(401);
  });
});

describe('Slack events that change nothing', () => {
  it('ignores events from bots and of other types', async () => {
    const stack = await startStack();
    try {
      for (const body of [
        { type: 'event_callback', event_id: 'EvBot', event: { type: 'app_mention', bot_id: 'B1', user: 'U1', text: 'resolve INC0010001', channel: 'C1', ts: '1.1' } },
        { type: 'event_callback', event_id: 'EvMsg', event: { type: 'message', user: 'U1', text: 'resolve INC0010001', channel: 'C1', ts: '1.2' } },
      ]) {
        const signed = signAsSlack(stack.signingSecret, JSON.stringify(body));
        const res = await fetch(`${stack.apiUrl}/slack/events`, { method: 'POST', headers: { ...signed.headers, 'content-type': 'application/json' }, body: signed.body });
        expect(res.status).toBe(200);
      }
      await expectNoWorkflowsIn(stack);
    } finally {
      await stack.close();
    }
  });
});
