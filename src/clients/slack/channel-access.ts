/**
 * Slack's answers when the bot may not use a channel: `not_in_channel` for a public channel it was not invited to,
 * `channel_not_found` for an id that does not exist or a private channel it is not in
 * (https://docs.slack.dev/reference/methods/chat.postMessage#errors).
 */
export const CHANNEL_ACCESS_CODES: ReadonlySet<string> = new Set(['not_in_channel', 'channel_not_found']);

/** What a person does about a refused channel, in words they can act on (`<#C…>` shows as the channel's name in Slack). */
export function channelAccessHint(channel: string, code: string): string {
  const invite = `type \`/invite @OpsLoop\` in <#${channel}> (channel ${channel})`;
  return code === 'not_in_channel'
    ? `OpsLoop is not a member of that channel: ${invite}, then try again`
    : `Slack knows no channel ${channel} that OpsLoop may use: check the channel id, and for a private channel ${invite}`;
}

/**
 * A reporter that says what to do about each refused channel once per process, however many posts fail there (every
 * incident of a misconfigured incident channel fails the same way until someone invites the bot).
 */
export function oncePerChannel(report: (fields: Record<string, unknown>, message: string) => void): (channel: string, code: string) => void {
  const told = new Set<string>();
  return (channel, code) => {
    if (told.has(channel)) return;
    told.add(channel);
    report({ channel, code }, `Slack refused channel ${channel} (${code}): ${channelAccessHint(channel, code)}.`);
  };
}
