import type { ChannelMessage, FakeSlack } from './fake-slack';

export interface ButtonElement {
  action_id: string;
  value: string;
}

interface Block {
  type: string;
  elements?: ButtonElement[];
}

/** The buttons of a message as Slack would render them. */
export const buttonsOf = (m: ChannelMessage): ButtonElement[] =>
  ((m.blocks ?? []) as Block[]).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));

/** Root messages of an incident's thread (its text starts with the incident number). */
export const rootMessages = (slack: FakeSlack, number: string): ChannelMessage[] =>
  slack.messages.filter((m) => !m.thread_ts && m.text.startsWith(`${number} ·`));

export const threadReplies = (slack: FakeSlack, root: ChannelMessage): ChannelMessage[] => slack.messages.filter((m) => m.thread_ts === root.ts);

/** The decision message (the reply with buttons) in an incident's thread, if posted yet. */
export function findDecisionMessage(slack: FakeSlack, number: string): ChannelMessage | undefined {
  const [root] = rootMessages(slack, number);
  return root && threadReplies(slack, root).find((m) => buttonsOf(m).length > 0);
}
