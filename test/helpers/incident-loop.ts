import type { ChannelMessage } from '../../src/sandbox/fake-slack';
import { sendButtonClick } from '../../src/sandbox/slack-requests';
import { eventually, type Stack } from './stack';

interface ButtonElement {
  action_id: string;
  value: string;
}
interface Block {
  type: string;
  elements?: ButtonElement[];
}

const blocksOf = (m: ChannelMessage): Block[] => (m.blocks ?? []) as Block[];

export const rootMessages = (stack: Stack, number: string) =>
  stack.slack.messages.filter((m) => !m.thread_ts && m.text.startsWith(`${number} ·`));

export const threadReplies = (stack: Stack, root: ChannelMessage) => stack.slack.messages.filter((m) => m.thread_ts === root.ts);

export const buttonsOf = (m: ChannelMessage): ButtonElement[] => blocksOf(m).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));

/** The decision message in the incident's thread, once it has buttons: a snapshot, as the person saw it. */
export async function decisionMessage(stack: Stack, number: string, timeoutMs = 30_000): Promise<ChannelMessage> {
  const live = await eventually(
    () => {
      const [root] = rootMessages(stack, number);
      return root && threadReplies(stack, root).find((m) => buttonsOf(m).length > 0);
    },
    timeoutMs,
    `a decision message for ${number}`,
  );
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
