import type { Catalog } from '../../../src/runbook/catalog-schema';
import type { ChannelMessage } from '../../../src/sandbox/fake-slack';
import { buttonsOf } from '../../../src/sandbox/slack-messages';
import { sendButtonClick, sendSlashCommand } from '../../../src/sandbox/slack-requests';
import { eventually } from '../../helpers/eventually';
import type { Stack } from '../../helpers/stack';
import { APPROVERS } from '../../helpers/test-policy';
import type { Scenario } from './scenario';

const [APPROVER, SECOND_APPROVER] = APPROVERS as [string, string];
const OPERATOR = 'U0OPERATOR';

/** `backup` needs one approval (test/integration/runbook.test.ts posts to an automation API; a command tells the same story). */
const catalog = (): Catalog => ({
  version: 1,
  allowedExecutables: [process.execPath],
  targets: {},
  actions: [
    {
      name: 'backup',
      description: 'Back up a device',
      params: [{ name: 'device', type: 'string', pattern: '[a-z0-9][a-z0-9-]{1,30}' }],
      role: 'operator',
      approval: 'one',
      approvalExpiryMs: 60_000,
      timeoutMs: 5000,
      executor: { type: 'command', executable: process.execPath, args: ['-e', 'console.log("backed up " + process.argv[1])', '{device}'], env: [], safeToRetry: false },
    },
    {
      name: 'hang',
      description: 'Never finishes',
      params: [{ name: 'seconds', type: 'integer', min: 1, max: 600 }],
      role: 'operator',
      approval: 'none',
      approvalExpiryMs: 3_600_000,
      timeoutMs: 60_000,
      executor: { type: 'command', executable: process.execPath, args: ['-e', 'setTimeout(() => {}, Number(process.argv[1]) * 1000)', '{seconds}'], env: [], safeToRetry: false },
    },
  ],
  notifications: [],
});

/** The channel the actions are run from; OpsLoop was invited to it. */
const channels = [{ id: 'C0OPS', name: 'ops', botIsMember: true }];

/** Types `/ops <text>` in C0OPS; resolves with the workflow id of the action it started. */
async function run(stack: Stack, text: string, userId: string): Promise<string> {
  const { body } = await sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text, userId, channelId: 'C0OPS', responseUrl: stack.slack.newResponseUrl() });
  const id = /`(action\/[a-z-]+\/[0-9a-f]{8})`/.exec((body as { text: string }).text)?.[1];
  if (!id) throw new Error(`\`/ops ${text}\` started no action: ${JSON.stringify(body)}`);
  return id;
}

const approvalMessage = (stack: Stack, id: string): Promise<ChannelMessage> =>
  eventually(() => {
    const root = stack.slack.messages.find((m) => !m.thread_ts && m.text.includes(id));
    return root && stack.slack.messages.find((m) => m.thread_ts === root.ts && buttonsOf(m).length > 0);
  }, 30_000, `the approval request of ${id}`);

async function approve(stack: Stack, message: ChannelMessage, userId: string): Promise<void> {
  const button = buttonsOf(message).find((b) => b.action_id.endsWith('approve'));
  if (!button) throw new Error('no approve button');
  await sendButtonClick(stack.apiUrl, stack.signingSecret, { userId, actionId: button.action_id, value: button.value, channelId: message.channel, messageTs: message.ts, responseUrl: stack.slack.newResponseUrl() });
}

const expectStatus = async (stack: Stack, id: string, status: string) => {
  const result = (await stack.client.workflow.getHandle(id).result()) as { status: string };
  if (result.status !== status) throw new Error(`${id} ended ${result.status}, not ${status}`);
};

/** The stories of test/integration/runbook.test.ts that are recorded. */
export const RUNBOOK_SCENARIOS: Scenario[] = [
  {
    title: 'a runbook action approved by someone other than its requester, then run',
    stack: { catalog: catalog(), channels },
    async drive(stack) {
      const id = await run(stack, 'run backup core-sw-01', APPROVER);
      const message = await approvalMessage(stack, id);
      // The requester's own approval is refused before another approver's is accepted.
      await approve(stack, message, APPROVER);
      await approve(stack, message, SECOND_APPROVER);
      await expectStatus(stack, id, 'succeeded');
      return { 'runbook-action-approved': id };
    },
  },
  {
    title: 'a running runbook action cancelled',
    stack: { catalog: catalog(), channels },
    async drive(stack) {
      const id = await run(stack, 'run hang 120', OPERATOR);
      await eventually(async () => (await stack.client.workflow.getHandle(id).describe()).searchAttributes.OpsStage?.[0] === 'running', 30_000, `${id} to run`);
      await run(stack, `cancel ${id.split('/').pop()}`, OPERATOR).catch(() => undefined);
      await expectStatus(stack, id, 'cancelled');
      return { 'runbook-action-cancelled': id };
    },
  },
];
