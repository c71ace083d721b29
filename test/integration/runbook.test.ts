import { randomBytes } from 'node:crypto';
import express from 'express';
import type { Catalog } from '../../src/runbook/catalog-schema';
import { serve, type Served } from '../../src/sandbox/serve';
import { sendSlashCommand } from '../../src/sandbox/slack-requests';
import { buttonsOf } from '../../src/sandbox/slack-messages';
import { sendButtonClick } from '../../src/sandbox/slack-requests';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { expectNoWorkflowsIn } from '../helpers/temporal';
import { APPROVERS } from '../helpers/test-policy';

const [APPROVER, SECOND_APPROVER] = APPROVERS as [string, string];
const OPERATOR = 'U0OPERATOR';

describe('runbook actions from Slack', () => {
  let stack: Stack;
  let targets: Served;
  const automationCalls: { device: string; authorization?: string }[] = [];
  const notifyChannel = `C0NOTE${randomBytes(3).toString('hex').toUpperCase()}`;
  /** Where the commands are typed and the notifications go; OpsLoop was invited to both. */
  const channels = [
    { id: 'C0OPS', name: 'ops', botIsMember: true },
    { id: notifyChannel, name: 'ops-notifications', botIsMember: true },
  ];

  beforeAll(async () => {
    const app = express();
    app.get('/health', (_req, res) => void res.send('ok'));
    app.get('/broken', (_req, res) => void res.status(503).send('down'));
    app.post('/backups/:device', (req, res) => {
      automationCalls.push({ device: String(req.params.device), authorization: req.get('authorization') });
      res.status(202).json({ job: `backup-${String(req.params.device)}` });
    });
    targets = await serve(app);
  });
  afterAll(async () => {
    await targets.close();
  });
  afterEach(async () => {
    await stack?.close();
  });

  const catalog = (): Catalog => ({
    version: 1,
    allowedExecutables: [process.execPath],
    targets: { uat: { url: `${targets.url}/health` }, broken: { url: `${targets.url}/broken` } },
    actions: [
      { name: 'ping', description: 'Health check', params: [{ name: 'target', type: 'enum', values: ['*targets'] }], role: 'viewer', approval: 'none', approvalExpiryMs: 3_600_000, timeoutMs: 5000, executor: { type: 'ping' } },
      {
        name: 'backup',
        description: 'Back up a device',
        params: [{ name: 'device', type: 'string', pattern: '[a-z0-9][a-z0-9-]{1,30}' }],
        role: 'operator',
        approval: 'one',
        approvalExpiryMs: 2500,
        timeoutMs: 5000,
        executor: { type: 'http', method: 'POST', url: `${targets.url}/backups/{device}`, headers: { Authorization: 'Bearer ${OPSLOOP_TEST_AUTOMATION_TOKEN}' }, expectStatus: [202] },
      },
      {
        name: 'echo',
        description: 'Print a word',
        params: [{ name: 'word', type: 'string', pattern: '[a-z]+' }, { name: 'times', type: 'integer', min: 1, max: 3 }],
        role: 'operator',
        approval: 'none',
        approvalExpiryMs: 3_600_000,
        timeoutMs: 5000,
        executor: { type: 'command', executable: process.execPath, args: ['-e', 'console.log(process.argv[1].repeat(Number(process.argv[2])))', '{word}', '{times}'], env: [], safeToRetry: true },
      },
      {
        name: 'hang',
        description: 'Never finishes',
        params: [{ name: 'seconds', type: 'integer', min: 1, max: 600 }],
        role: 'operator',
        approval: 'none',
        approvalExpiryMs: 3_600_000,
        timeoutMs: 1500,
        executor: { type: 'command', executable: process.execPath, args: ['-e', 'setTimeout(() => {}, Number(process.argv[1]) * 1000)', '{seconds}'], env: [], safeToRetry: false },
      },
    ],
    notifications: [{ channel: notifyChannel, events: ['action-failed'], batchWindowMs: 500 }],
  });

  const run = async (text: string, userId = OPERATOR) =>
    ((await sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text, userId, channelId: 'C0OPS', responseUrl: stack.slack.newResponseUrl() })).body as { text: string }).text;
  const actionId = (reply: string) => /`(action\/[a-z-]+\/[0-9a-f]{8})`/.exec(reply)?.[1] ?? '';
  const threadOf = (id: string) => {
    const root = stack.slack.messages.find((m) => !m.thread_ts && m.text.includes(id));
    return root ? stack.slack.messages.filter((m) => m.thread_ts === root.ts) : [];
  };
  const result = (id: string) => stack.client.workflow.getHandle(id).result() as Promise<{ status: string }>;

  it('lists what the caller may run, and pings a named environment: "UAT is healthy"', async () => {
    stack = await startStack({ catalog: catalog(), channels });
    const actions = await run('actions', 'U0VIEWERONLY');
    expect(actions).toContain('/ops run ping <target>');
    const reply = await run('run ping uat');
    const id = actionId(reply);
    await expect(result(id)).resolves.toMatchObject({ status: 'succeeded' });
    expect(threadOf(id).map((m) => m.text).join('\n')).toMatch(/:white_check_mark: `ping uat` succeeded: UAT is healthy \(HTTP 200 in \d+ ms\)/);
    const rows = await stack.audit.list({ workflowId: id });
    expect(rows.map((r) => [r.action, r.result])).toEqual([
      ['run', 'accepted'],
      ['run-outcome', 'succeeded'],
    ]);
  });

  it('refuses invalid parameters and unknown actions before anything runs', async () => {
    stack = await startStack({ catalog: catalog(), channels });
    expect(await run('run echo hi;rm 1')).toContain('word must match [a-z]+. Nothing was run.');
    expect(await run('run echo $(id) 1')).toContain('word must match');
    expect(await run('run echo hi 4')).toContain('times must be an integer from 1 to 3');
    expect(await run('run ping nowhere')).toContain('target must be one of uat, broken');
    expect(await run('run reboot-everything')).toContain('There is no action `reboot-everything`');
    expect(await run('run echo hi 1 extra')).toContain('unexpected `extra`');
    await expectNoWorkflowsIn(stack);
  });

  it('runs a command with an argument vector and reports its output', async () => {
    stack = await startStack({ catalog: catalog(), channels });
    const id = actionId(await run('run echo ab times=3'));
    await expect(result(id)).resolves.toMatchObject({ status: 'succeeded' });
    expect(threadOf(id).map((m) => m.text).join('\n')).toContain('exited with code 0');
    expect(threadOf(id).map((m) => m.text).join('\n')).toContain('ababab');
  });

  it('waits for approval and runs exactly once after it; never after a rejection', async () => {
    process.env.OPSLOOP_TEST_AUTOMATION_TOKEN = 'automation-token-value';
    stack = await startStack({ catalog: catalog(), channels });
    // Asked for by an approver, who may still not approve their own request.
    const approved = actionId(await run('run backup core-sw-01', APPROVER));
    const rejected = actionId(await run('run backup core-sw-02', APPROVER));
    const decide = async (id: string, choice: 'approve' | 'reject', userId: string) => {
      const message = await eventually(() => threadOf(id).find((m) => buttonsOf(m).length > 0));
      const button = buttonsOf(message).find((b) => b.action_id.endsWith(choice))!;
      const responseUrl = stack.slack.newResponseUrl();
      await sendButtonClick(stack.apiUrl, stack.signingSecret, { userId, actionId: button.action_id, value: button.value, channelId: message.channel, messageTs: message.ts, responseUrl });
      return responseUrl;
    };
    // The requester may not approve their own action.
    const own = await decide(approved, 'approve', APPROVER);
    expect(String((await eventually(() => stack.slack.responsesFor(own)[0]?.body)).text)).toContain('someone else has to approve');
    expect(automationCalls).toHaveLength(0);
    await decide(approved, 'approve', SECOND_APPROVER);
    await decide(rejected, 'reject', SECOND_APPROVER);
    await expect(result(approved)).resolves.toMatchObject({ status: 'succeeded' });
    await expect(result(rejected)).resolves.toMatchObject({ status: 'rejected', by: SECOND_APPROVER });
    // Nobody decides on the third: it expires, and expiry is never an approval.
    const expired = actionId(await run('run backup core-sw-03', APPROVER));
    await expect(result(expired)).resolves.toMatchObject({ status: 'expired' });
    expect(automationCalls).toEqual([{ device: 'core-sw-01', authorization: 'Bearer automation-token-value' }]);
    // The secret never reaches the history or Slack.
    const history = JSON.stringify(await stack.client.workflow.getHandle(approved).fetchHistory());
    expect(history).not.toContain('automation-token-value');
    expect(JSON.stringify(stack.slack.calls)).not.toContain('automation-token-value');
  });

  it('kills a command that exceeds its timeout, reports it, and notifies the subscribed channel once', async () => {
    stack = await startStack({ catalog: catalog(), channels });
    const id = actionId(await run('run hang 60'));
    await expect(result(id)).resolves.toMatchObject({ status: 'failed' });
    expect(threadOf(id).map((m) => m.text).join('\n')).toContain('timed out after 2 s and was killed');
    const notices = await eventually(() => {
      const posted = stack.slack.messages.filter((m) => m.channel === notifyChannel);
      return posted.length ? posted : undefined;
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(stack.slack.messages.filter((m) => m.channel === notifyChannel)).toHaveLength(1);
    expect(notices[0]!.text).toContain('`hang 60` failed');
  });

  it('/ops cancel stops a running action', async () => {
    const longer = catalog();
    longer.actions.find((a) => a.name === 'hang')!.timeoutMs = 60_000;
    stack = await startStack({ catalog: longer, channels });
    const id = actionId(await run('run hang 120'));
    await eventually(async () => (await stack.client.workflow.getHandle(id).describe()).searchAttributes.OpsStage?.[0] === 'running');
    expect(await run(`cancel ${id.split('/').pop()}`)).toContain(`Cancelling \`${id}\``);
    await expect(result(id)).resolves.toMatchObject({ status: 'cancelled', by: OPERATOR });
    expect(threadOf(id).map((m) => m.text).join('\n')).toContain(`was cancelled by <@${OPERATOR}>`);
  });
});
