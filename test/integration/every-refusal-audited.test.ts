import type { Catalog } from '../../src/runbook/catalog-schema';
import { INCIDENT_MODAL, RESOLVE_MODAL } from '../../src/api/slack/modals';
import { sendButtonClick, sendSlashCommand, signAsSlack } from '../../src/sandbox/slack-requests';
import { startStack, type Stack } from '../helpers/stack';
import { ADMIN, APPROVERS, testPolicy } from '../helpers/test-policy';

const VIEWER = 'U0VIEWER';
const OPERATOR = 'U0OPERATOR';
const [APPROVER] = APPROVERS as [string];
const CHANNEL = 'C0INCIDENTS';

const catalog: Catalog = {
  version: 1,
  allowedExecutables: [],
  targets: { uat: { url: 'http://127.0.0.1:9/health' } },
  actions: [
    { name: 'ping', description: 'Health check', params: [{ name: 'target', type: 'enum', values: ['*targets'] }], role: 'viewer', approval: 'none', approvalExpiryMs: 3_600_000, timeoutMs: 5000, executor: { type: 'ping' } },
    { name: 'purge', description: 'Purge a cache', params: [], role: 'admin', approval: 'none', approvalExpiryMs: 3_600_000, timeoutMs: 5000, executor: { type: 'ping' } },
  ],
  notifications: [],
};

/**
 * The README promises that every refusal is audited: one refused request through each command and entry point
 * (slash commands, mentions, buttons, modal submissions), and one denied row for each, saying who, where and why.
 */
describe('every refusal is audited', () => {
  let stack: Stack;
  afterAll(async () => {
    await stack?.close();
  });

  const slash = async (text: string, userId: string) =>
    ((await sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text, userId, channelId: CHANNEL, responseUrl: stack.slack.newResponseUrl() })).body as { text: string }).text;
  const postSigned = (path: string, body: string, contentType: string) => {
    const signed = signAsSlack(stack.signingSecret, body);
    return fetch(`${stack.apiUrl}${path}`, { method: 'POST', headers: { ...signed.headers, 'content-type': contentType }, body: signed.body });
  };
  const mention = (eventId: string, userId: string, text: string) =>
    postSigned(
      '/slack/events',
      JSON.stringify({
        type: 'event_callback',
        event_id: eventId,
        event_time: 1700000100,
        event: { type: 'app_mention', user: userId, text: `<@U0OPSLOOP> ${text}`, channel: CHANNEL, ts: `1700000${eventId.slice(-3)}.000100`, event_ts: '1700000100.000100' },
      }),
      'application/json',
    );
  const submitView = (userId: string, callbackId: string, metadata: Record<string, string>, values: Record<string, Record<string, unknown>>) =>
    postSigned(
      '/slack/interactions',
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'view_submission',
          user: { id: userId, username: userId.toLowerCase() },
          view: { id: `V${Date.now()}${callbackId.length}`, callback_id: callbackId, private_metadata: JSON.stringify(metadata), state: { values } },
        }),
      }).toString(),
      'application/x-www-form-urlencoded',
    );
  const text = (value: string) => ({ value: { type: 'plain_text_input', value } });
  const select = (value: string) => ({ value: { type: 'static_select', selected_option: { value, text: { type: 'plain_text', text: value } } } });

  it('writes one denied row per refused request, at every entry point', async () => {
    stack = await startStack({
      catalog,
      policy: testPolicy({
        roles: { viewer: { users: ['*'], groups: [] }, operator: { users: [OPERATOR], groups: [] }, approver: { users: APPROVERS, groups: [] }, admin: { users: [ADMIN], groups: [] } },
      }),
    });
    const refusals: [source: string, action: string, actor: string][] = [];

    // Slash commands: the policy, then the three refusals of /ops run.
    expect(await slash('resolve INC0010001 restarted the pool', VIEWER)).toContain('Not allowed');
    refusals.push(['slash-command', 'resolve', VIEWER]);
    expect(await slash('run nosuch', OPERATOR)).toContain('There is no action');
    refusals.push(['slash-command', 'run', OPERATOR]);
    expect(await slash('run purge', OPERATOR)).toContain('you need the admin role');
    refusals.push(['slash-command', 'run', OPERATOR]);
    expect(await slash('run ping nowhere', OPERATOR)).toContain('Nothing was run');
    refusals.push(['slash-command', 'run', OPERATOR]);

    // Mentions: the policy, and a refused runbook action.
    const stamp = String(Date.now());
    expect((await mention(`Ev${stamp}101`, VIEWER, 'resolve INC0010001 restarted')).status).toBe(200);
    refusals.push(['mention', 'resolve', VIEWER]);
    expect((await mention(`Ev${stamp}102`, OPERATOR, 'run purge')).status).toBe(200);
    refusals.push(['mention', 'run', OPERATOR]);

    // A button: a decision on a request that does not exist (or no longer runs).
    const responseUrl = stack.slack.newResponseUrl();
    const clicked = await sendButtonClick(stack.apiUrl, stack.signingSecret, {
      userId: APPROVER,
      actionId: 'opsloop.decision.approve',
      value: `incident/INC0099999/approval/1|${'0'.repeat(64)}`,
      channelId: CHANNEL,
      messageTs: '1700000200.000200',
      responseUrl,
    });
    expect(clicked.status).toBe(200);
    refusals.push(['button', 'decide', APPROVER]);

    // Modal submissions: the resolve form and the incident form, by someone the policy does not let use them.
    const resolveForm = await submitView(VIEWER, RESOLVE_MODAL, { incidentNumber: 'INC0010001', channelId: CHANNEL }, { close_code: select('Solution provided'), close_notes: text('Restarted the connection pool') });
    expect(JSON.stringify(await resolveForm.json())).toContain('Not allowed');
    refusals.push(['modal', 'resolve', VIEWER]);
    const incidentForm = await submitView(VIEWER, INCIDENT_MODAL, { channelId: CHANNEL }, { short_description: text('Checkout is down'), description: text(''), priority: select('2'), cmdb_ci: text('') });
    expect(JSON.stringify(await incidentForm.json())).toContain('Not allowed');
    refusals.push(['modal', 'incident', VIEWER]);

    const denied = async () => (await stack.audit.list({ limit: 100 })).filter((row) => row.result === 'denied');
    const deadline = Date.now() + 10_000;
    while ((await denied()).length < refusals.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300));
    const rows = await denied();
    const key = ([source, action, actor]: string[]) => `${source} ${action} ${actor}`;
    expect(rows.map((r) => key([r.source, r.action, r.actorId ?? ''])).sort()).toEqual(refusals.map(key).sort());
    for (const row of rows) expect(row.reason).toEqual(expect.any(String));
    expect(stack.servicenow.requests).toHaveLength(0);
    // Nothing ran: the only workflows are the mentions' own (they post the refusal in the thread).
    const { count } = await stack.client.workflow.count(`TaskQueue = "${stack.taskQueue}" AND WorkflowType != "slackMention"`);
    expect(count).toBe(0);
  });
});
