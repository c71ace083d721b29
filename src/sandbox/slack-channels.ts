/** A channel of the sandbox workspace, and whether OpsLoop's bot was invited to it. */
export interface FakeChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  botIsMember: boolean;
}

export type FakeChannelSpec = Pick<FakeChannel, 'id' | 'name'> & Partial<Pick<FakeChannel, 'isPrivate' | 'botIsMember'>>;

/**
 * The workspace's channels as the bot sees them. A bot posts, edits and reads history only where it is a member:
 * a public channel it was not invited to answers `not_in_channel`; a private one it is not in, like a channel that
 * does not exist, answers `channel_not_found`, because Slack does not reveal it
 * (https://docs.slack.dev/reference/methods/chat.postMessage#errors,
 * https://docs.slack.dev/reference/methods/conversations.history#errors). The `chat:write.public` scope would let
 * a bot post in public channels without joining; OpsLoop's manifest does not ask for it, so this bot has it not.
 */
export class FakeChannels {
  private readonly byId = new Map<string, FakeChannel>();

  constructor(specs: FakeChannelSpec[] = []) {
    for (const spec of specs) this.add(spec);
  }

  add(spec: FakeChannelSpec): FakeChannel {
    const channel = { isPrivate: false, botIsMember: false, ...spec };
    this.byId.set(channel.id, channel);
    return channel;
  }

  get(id: string): FakeChannel | undefined {
    return this.byId.get(id);
  }

  /** `/invite @OpsLoop` in the channel (or removing the bot from it). */
  setBotMember(id: string, member: boolean): void {
    const channel = this.byId.get(id);
    if (!channel) throw new Error(`the sandbox workspace has no channel ${id}`);
    channel.botIsMember = member;
  }

  /** The error Slack answers for the bot using this channel, or undefined when it may. */
  refusal(id: string): 'channel_not_found' | 'not_in_channel' | undefined {
    const channel = this.byId.get(id);
    if (!channel || (channel.isPrivate && !channel.botIsMember)) return 'channel_not_found';
    return channel.botIsMember ? undefined : 'not_in_channel';
  }

  list(): FakeChannel[] {
    return [...this.byId.values()];
  }
}
