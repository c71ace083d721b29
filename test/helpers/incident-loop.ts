import type { ChannelMessage } from '../../src/sandbox/fake-slack';
import { buttonsOf, findDecisionMessage, rootMessages as roots, threadReplies as replies } from '../../src/sandbox/slack-messages';
import { sendButtonClick } from '../../src/sandbox/slack-requests';
import { eventually } from './eventually';
import type { Stack } from './stack';

export { buttonsOf };
export const rootMessages = (stack: Stack, number: string) => roots(stack.slack, number);
export const threadReplies = (stack: Stack, root: ChannelMessage) => replies(stack.slack, root);

/** The decision message in the incident's thread, once it has buttons: a snapshot, as the person saw it. */
export async function decisionMessage(stack: Stack, number: string, timeoutMs = 30_000): Promise<ChannelMessage> {
  const live = await eventually(() => findDecisionMessage(stack.slack, number), timeoutMs, `a decision message for ${number}`);
  return structuredClone(live);
}

/** Clicks one of a message's buttons as the given Slack user; returns the response_url the click carried. */
export async function click(stack: Stack, message: ChannelMessage, choice: 'approve' | 'reject' | 'escalate', userId: string) {
  const button = buttonsOf(message).find((b) => b.action_id.endsWith(`.${choice}`));
  if (!button) throw new Error(`no ${choice} button on the message`);
  const responseUrl = stack.slack.newResponseUrl();
  const answer = await sendButtonClick(stack.apiUrl, stack.signingSecret, {
    userId,
    actionId: button.action_id,
    value: button.value,
    channelId: message.channel,
    messageTs: message.ts,
    responseUrl,
  });
  return { ...answer, responseUrl };
}
