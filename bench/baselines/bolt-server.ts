import { App, HTTPReceiver, LogLevel, type BlockAction, type ButtonAction } from '@slack/bolt';
import { DECISION_ACTION_PREFIX } from '../../src/contracts/decision';
import { baselineCalls, connectClient } from './temporal-calls';

/**
 * The peer for F1: a @slack/bolt app (HTTPReceiver, Bolt's default) that makes the same Temporal call as OpsLoop
 * before it acks, as a team hand-rolling this on Bolt would.
 */
async function main(): Promise<void> {
  const client = await connectClient();
  const calls = baselineCalls(client);
  const receiver = new HTTPReceiver({
    signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
    endpoints: ['/slack/commands', '/slack/interactions'],
    logLevel: LogLevel.ERROR,
  });
  // A known bot id and user id, so Bolt never calls auth.test (it would, on every request, to learn them).
  const app = new App({
    receiver,
    token: 'xoxb-bench-unused',
    botId: 'BBENCHBOT',
    botUserId: 'UBENCHBOT',
    tokenVerificationEnabled: false,
    ignoreSelf: false,
    logLevel: LogLevel.ERROR,
  });

  app.command('/ops', async ({ command, ack }) => {
    await ack({ response_type: 'ephemeral', text: await calls.commandAnswer(command.text) });
  });
  app.action<BlockAction<ButtonAction>>(new RegExp(`^${DECISION_ACTION_PREFIX.replace(/\./g, '\\.')}`), async ({ action, body, ack }) => {
    await calls.click(body.user.id, action.action_id, action.value ?? '');
    await ack();
  });

  await receiver.start({ port: Number(process.env.PORT), host: '127.0.0.1' });
  process.stdout.write('bolt baseline listening\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bolt baseline failed: ${String(err)}\n`);
  process.exit(1);
});
