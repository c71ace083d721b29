import { createHmac } from 'node:crypto';

export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

/** Signs a body the way Slack does (v0 scheme), for the sandbox's own requests and for tests. */
export function signAsSlack(signingSecret: string, body: string, timestampSeconds = Math.floor(Date.now() / 1000)): SignedRequest {
  const timestamp = String(timestampSeconds);
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signature,
    },
  };
}

export interface SlashCommandInput {
  command: string;
  text: string;
  userId: string;
  userName?: string;
  channelId: string;
  responseUrl: string;
}

/** The form body Slack posts for a slash command. */
export function slashCommandBody(input: SlashCommandInput): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'TSANDBOX',
    team_domain: 'opsloop-sandbox',
    channel_id: input.channelId,
    channel_name: 'incidents',
    user_id: input.userId,
    user_name: input.userName ?? input.userId.toLowerCase(),
    command: input.command,
    text: input.text,
    api_app_id: 'AOPSLOOP',
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: `${Date.now()}.sandbox`,
  }).toString();
}

/** Posts a signed slash command to an OpsLoop API, as Slack would, and returns its immediate answer. */
export async function sendSlashCommand(apiUrl: string, signingSecret: string, input: SlashCommandInput): Promise<{ status: number; body: unknown }> {
  const signed = signAsSlack(signingSecret, slashCommandBody(input));
  const response = await fetch(`${apiUrl}/slack/commands`, { method: 'POST', headers: signed.headers, body: signed.body });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body };
}
