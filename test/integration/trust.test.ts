import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJsonlAuditStore } from '../../src/audit/jsonl-store';
import { createPostgresAuditStore } from '../../src/audit/postgres-store';
import { approvalWorkflowId, incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { sendSlashCommand, signAsSlack } from '../../src/sandbox/slack-requests';
import { buttonsOf, click, decisionMessage, rootMessages } from '../helpers/incident-loop';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { expectNoWorkflowsIn } from '../helpers/temporal';
import { ADMIN, APPROVERS, testPolicy } from '../helpers/test-policy';
import { impactUrgencyFor } from '../../src/servicenow/priority';

const [APPROVER, SECOND_APPROVER] = APPROVERS as [string, string];
const DATABASE_URL = process.env.OPSLOOP_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('trust: policy, authorization at every entry point, approvals and the audit trail', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  const slash = (text: string, userId: string, channelId = 'C0INCIDENTS') =>
    sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text, userId, channelId, responseUrl: stack.slack.newResponseUrl() }).then(
      (r) => ({ status: r.status, text: (r.body as { text?: string }).text ?? '' }),
    );
  const postSigned = (path: string, body: string, contentType: string) => {
    const signed = signAsSlack(stack.signingSecret, body);
    return fetch(`${stack.apiUrl}${path}`, { method: 'POST', headers: { ...signed.headers, 'content-type': contentType }, body: signed.body });
  };
  const submitView = (userId: string, view: { id: string; callback_id: string; private_metadata: string; values: Record<string, Record<string, unknown>> }) =>
    postSigned(
      '/slack/interactions',
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'view_submission',
          user: { id: userId, username: userId.toLowerCase() },
          view: { id: view.id, callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values: view.values } },
        }),
      }).toString(),
      'application/x-www-form-urlencoded',
    );
  const denials = async () => (await stack.audit.list({})).filter((e) => e.result === 'denied');

  it('refuses a command for want of a role or outside an allowed channel, says why, changes nothing, and audits the refusal', async () => {
    const policy = testPolicy({
      roles: { viewer: { users: ['*'], groups: [] }, operator: { users: ['U0OPERATOR'], groups: ['S0ONCALL'] }, approver: { users: APPROVERS, groups: [] }, admin: { users: [ADMIN], groups: [] } },
      channels: [
        { id: 'C0INCIDENTS', commands: ['*'] },
        { id: 'C0PLAYGROUND', commands: ['help', 'status'] },
      ],
    });
    stack = await startStack({ policy });
    stack.slack.userGroups.set('S0ONCALL', ['U0ONCALLER']);

    const viewer = await slash('resolve INC0010001 restarted', 'U0VIEWER');
    expect(viewer.text).toBe(':no_entry: Not allowed: you need the operator role for `/ops resolve` in <#C0INCIDENTS>.');
    const elsewhere = await slash('resolve INC0010001 restarted', 'U0OPERATOR', 'C0PLAYGROUND');
    expect(elsewhere.text).toBe(':no_entry: Not allowed: `/ops resolve` is not allowed in <#C0PLAYGROUND>.');
    const unknownChannel = await slash('status INC0010001', 'U0OPERATOR', 'C0RANDOM');
    expect(unknownChannel.text).toBe(':no_entry: Not allowed: OpsLoop does not take commands in <#C0RANDOM>.');
    const audit = await slash('audit INC0010001', APPROVER);
    expect(audit.text).toContain('you need the admin role');
    await expectNoWorkflowsIn(stack);
    expect(stack.servicenow.requests).toHaveLength(0);
    expect((await denials()).map((d) => [d.actorId, d.action, d.channelId])).toEqual([
      ['U0VIEWER', 'resolve', 'C0INCIDENTS'],
      ['U0OPERATOR', 'resolve', 'C0PLAYGROUND'],
      ['U0OPERATOR', 'status', 'C0RANDOM'],
      [APPROVER, 'audit', 'C0INCIDENTS'],
    ]);

    // help lists only what the caller may run; a group grants its role.
    expect((await slash('help', 'U0VIEWER')).text).not.toContain('/ops resolve');
    expect((await slash('help', 'U0ONCALLER')).text).toContain('/ops resolve');
    const allowed = await slash('resolve INC0010001 restarted the pool', 'U0ONCALLER');
    expect(allowed.text).toContain('Resolving INC0010001');
    await eventually(() => stack.servicenow.incident('INC0010001')?.state === '6');
  });

  it('a P1 needs two distinct approvers; one person clicking twice counts once; the requester may not approve their own request', async () => {
    stack = await startStack();
    const number = stack.servicenow.createIncident({ short_description: 'Orders DB down', state: '2', ...impactUrgencyFor('1') }).number;
    expect((await slash(`investigate ${number}`, APPROVER)).text).toContain(`Investigating ${number}`);
    const decision = await decisionMessage(stack, number);

    const own = await click(stack, decision, 'approve', APPROVER);
    expect(String((await eventually(() => stack.slack.responsesFor(own.responseUrl)[0]?.body)).text)).toContain('You asked for this; someone else has to approve it.');
    const intruder = await click(stack, decision, 'approve', 'U0INTRUDER');
    expect(String((await eventually(() => stack.slack.responsesFor(intruder.responseUrl)[0]?.body)).text)).toContain('Only the approvers');

    await click(stack, decision, 'approve', SECOND_APPROVER);
    // The same person clicking again: the same update id, so Temporal returns the first decision; by text: refused.
    await click(stack, decision, 'approve', SECOND_APPROVER);
    expect(await sendSlashCommandAs(stack, `approve ${number}`, SECOND_APPROVER)).toContain('You already approved; 1 more approval(s) needed');
    const progress = await eventually(() => {
      const live = stack.slack.messages.find((m) => m.ts === decision.ts);
      return live && JSON.stringify(live.blocks).includes('1 of 2 approvals') ? live : undefined;
    });
    expect(buttonsOf(progress)).toHaveLength(3);
    expect(stack.servicenow.transitions).toHaveLength(0);

    expect(await sendSlashCommandAs(stack, `approve ${number}`, ADMIN)).toContain('Your decision (approve)');
    await expect(stack.client.workflow.getHandle(incidentWorkflowId(number)).result()).resolves.toMatchObject({ outcome: 'resolved' });
    expect(stack.servicenow.transitions.filter((t) => t.number === number)).toHaveLength(1);
    expect(stack.slack.messages.find((m) => m.ts === decision.ts)!.text).toContain(`Approved by <@${SECOND_APPROVER}> and <@${ADMIN}>`);

    // The audit trail matches the approval's history one to one: one row per accepted decision.
    const history = await stack.client.workflow.getHandle(approvalWorkflowId(number, 1)).fetchHistory();
    const accepted = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    const rows = (await stack.audit.list({ workflowId: approvalWorkflowId(number, 1) })).filter((r) => r.action === 'decide' && r.result === 'accepted');
    expect(rows).toHaveLength(accepted.length);
    expect(rows.map((r) => r.actorId)).toEqual([SECOND_APPROVER, ADMIN]);
    expect((await denials()).map((d) => [d.actorId, d.reason])).toEqual([
      [APPROVER, 'You asked for this; someone else has to approve it.'],
      ['U0INTRUDER', expect.stringContaining('Only the approvers')],
      [SECOND_APPROVER, expect.stringContaining('You already approved')],
    ]);
  });

  it('refuses a mention without the role, in the thread, and audits it', async () => {
    stack = await startStack({ policy: testPolicy({ roles: { viewer: { users: ['*'], groups: [] }, operator: { users: [], groups: [] }, approver: { users: APPROVERS, groups: [] }, admin: { users: [ADMIN], groups: [] } } }) });
    const body = {
      type: 'event_callback',
      event_id: `Ev${Date.now()}D`,
      event: { type: 'app_mention', user: 'U0VIEWER', text: '<@U0OPSLOOP> resolve INC0010001', channel: 'C0INCIDENTS', ts: '1700000400.000400' },
    };
    expect((await postSigned('/slack/events', JSON.stringify(body), 'application/json')).status).toBe(200);
    const reply = await eventually(() => stack.slack.messages.find((m) => m.thread_ts === '1700000400.000400'));
    expect(reply.text).toBe(':no_entry: Not allowed: you need the operator role for `/ops resolve` in <#C0INCIDENTS>.');
    expect(stack.servicenow.requests).toHaveLength(0);
    expect((await denials()).map((d) => [d.source, d.actorId])).toEqual([['mention', 'U0VIEWER']]);
  });

  it('/ops incident opens a modal whose submission creates the ServiceNow incident and opens its thread; bad input stays in the modal', async () => {
    stack = await startStack();
    const opened = await slash('incident', 'U0OPERATOR');
    expect(opened).toEqual({ status: 200, text: '' });
    const view = stack.slack.views.at(-1)!;
    expect(view.view).toMatchObject({ callback_id: 'opsloop.incident' });
    const metadata = String(view.view.private_metadata);

    const invalid = await submitView('U0OPERATOR', { id: view.id, callback_id: 'opsloop.incident', private_metadata: metadata, values: { short_description: { value: { type: 'plain_text_input', value: 'x' } } } });
    expect(await invalid.json()).toEqual({ response_action: 'errors', errors: { short_description: expect.any(String), priority: 'Pick a priority.' } });

    const number = stack.servicenow.nextIncidentNumber();
    const good = await submitView('U0OPERATOR', {
      id: view.id,
      callback_id: 'opsloop.incident',
      private_metadata: metadata,
      values: {
        short_description: { value: { type: 'plain_text_input', value: 'Search results empty for all users' } },
        description: { value: { type: 'plain_text_input', value: 'Since 10:02 UTC' } },
        priority: { value: { type: 'static_select', selected_option: { value: '2' } } },
        cmdb_ci: { value: { type: 'plain_text_input', value: 'search-api' } },
      },
    });
    expect(good.status).toBe(200);
    await decisionMessage(stack, number);
    // The CI is a reference: stored as the sys_id of the CMDB record named search-api.
    expect(stack.servicenow.incident(number)).toMatchObject({ short_description: 'Search results empty for all users', priority: '2', display: expect.objectContaining({ cmdb_ci: 'search-api' }) });
    expect(rootMessages(stack, number)).toHaveLength(1);
    const jobs = await slash('jobs', 'U0OPERATOR');
    expect(jobs.text).toContain(`\`incident/${number}\``);
  });

  it('/ops resolve without notes asks for them in a modal, and its submission resolves', async () => {
    stack = await startStack();
    expect((await slash('resolve INC0010003', 'U0OPERATOR')).text).toBe('');
    const view = stack.slack.views.at(-1)!;
    expect(view.view).toMatchObject({ callback_id: 'opsloop.resolve' });
    const base = { id: view.id, callback_id: 'opsloop.resolve', private_metadata: String(view.view.private_metadata) };
    const tooShort = await submitView('U0OPERATOR', { ...base, values: { close_code: { value: { type: 'static_select', selected_option: { value: 'Solution provided' } } }, close_notes: { value: { type: 'plain_text_input', value: 'done' } } } });
    expect(await tooShort.json()).toMatchObject({ response_action: 'errors', errors: { close_notes: expect.stringContaining('at least 10 characters') } });
    expect(stack.servicenow.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    const ok = await submitView('U0OPERATOR', { ...base, values: { close_code: { value: { type: 'static_select', selected_option: { value: 'Workaround provided' } } }, close_notes: { value: { type: 'plain_text_input', value: 'Cleared /var/backups and re-ran the job' } } } });
    expect(ok.status).toBe(200);
    await eventually(() => stack.servicenow.incident('INC0010003')?.state === '6');
    expect(stack.servicenow.incident('INC0010003')).toMatchObject({ close_code: 'Workaround provided', close_notes: expect.stringContaining('Cleared /var/backups') });
    const rows = await eventually(async () => {
      const r = await stack.audit.list({ incidentNumber: 'INC0010003' });
      return r.length ? r : undefined;
    });
    expect(rows[0]).toMatchObject({ source: 'modal', action: 'resolve', actorId: 'U0OPERATOR', result: 'resolved' });
  });
});

async function sendSlashCommandAs(stack: Stack, text: string, userId: string): Promise<string> {
  const r = await sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text, userId, channelId: 'C0INCIDENTS', responseUrl: stack.slack.newResponseUrl() });
  return (r.body as { text?: string }).text ?? '';
}

describe('the audit trail outlives the process, in both stores', () => {
  const event = (id: string) => ({ eventId: id, at: new Date().toISOString(), source: 'workflow' as const, action: 'decide', actorId: 'U1', incidentNumber: 'INC0010042', result: 'accepted', decision: 'approve' });

  it('JSON-lines: rows survive a restart, a retried append writes nothing twice, and each writer\'s file is read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsloop-audit-'));
    const first = createJsonlAuditStore(dir, 'worker');
    await first.append(event('a'));
    await first.append(event('a'));
    await first.append(event('b'));
    await first.close();
    const second = createJsonlAuditStore(dir, 'worker');
    const api = createJsonlAuditStore(dir, 'api');
    await second.append(event('a'));
    await api.append({ ...event('c'), at: new Date(Date.now() + 1000).toISOString() });
    expect((await second.list({ incidentNumber: 'INC0010042' })).map((e) => e.eventId)).toEqual(['a', 'b', 'c']);
    expect((await api.list({ incidentNumber: 'INC0010042' })).map((e) => e.eventId)).toEqual(['a', 'b', 'c']);
    await Promise.all([second.close(), api.close()]);
  });

  it('PostgreSQL: the migration runs at start-up, rows survive a restart, retries are ignored, secrets never stored', async () => {
    const id = `pg-${Date.now()}`;
    const first = await createPostgresAuditStore(DATABASE_URL);
    await first.append({ ...event(`${id}-a`), incidentNumber: id });
    await first.append({ ...event(`${id}-a`), incidentNumber: id });
    await first.append({ ...event(`${id}-b`), incidentNumber: id, ...({ token: 'xoxb-secret' } as object) });
    await first.close();
    const second = await createPostgresAuditStore(DATABASE_URL);
    const rows = await second.list({ incidentNumber: id });
    await second.close();
    expect(rows.map((r) => r.eventId)).toEqual([`${id}-a`, `${id}-b`]);
    expect(JSON.stringify(rows)).not.toContain('xoxb-secret');
  });
});
