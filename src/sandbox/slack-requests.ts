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

export interface ButtonClickInput {
  userId: string;
  userName?: string;
  actionId: string;
  value: string;
  channelId: string;
  messageTs: string;
  responseUrl: string;
}

/** The form body Slack posts when someone clicks a button in a message (a block_actions payload). */
export function buttonClickBody(input: ButtonClickInput): string {
  const payload = {
    type: 'block_actions',
    user: { id: input.userId, username: input.userName ?? input.userId.toLowerCase(), team_id: 'TSANDBOX' },
    api_app_id: 'AOPSLOOP',
    team: { id: 'TSANDBOX', domain: 'opsloop-sandbox' },
    container: { type: 'message', message_ts: input.messageTs, channel_id: input.channelId, is_ephemeral: false },
    channel: { id: input.channelId, name: 'incidents' },
    trigger_id: `${Date.now()}.sandbox`,
    response_url: input.responseUrl,
    actions: [{ type: 'button', action_id: input.actionId, block_id: 'decision', value: input.value, action_ts: (Date.now() / 1000).toFixed(6) }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Posts a signed button click to an OpsLoop API, as Slack would. */
export async function sendButtonClick(apiUrl: string, signingSecret: string, input: ButtonClickInput): Promise<{ status: number; ms: number }> {
  const signed = signAsSlack(signingSecret, buttonClickBody(input));
  const started = Date.now();
  const response = await fetch(`${apiUrl}/slack/interactions`, { method: 'POST', headers: signed.headers, body: signed.body });
  await response.arrayBuffer();
  return { status: response.status, ms: Date.now() - started };
}

export interface ViewSubmissionInput {
  userId: string;
  /** The view as OpsLoop opened it (views.open): Slack sends back its id, callback_id and private_metadata. */
  view: { id: string; callback_id?: unknown; private_metadata?: unknown };
  /** What the person entered, by block id: the input's value, or the option picked in a select. */
  values: Record<string, string>;
  selects?: readonly string[];
}

/**
 * The form body Slack posts when someone submits a modal (a view_submission payload). It carries no response_url:
 * Slack adds `response_urls` only for inputs with `response_url_enabled` (conversation selects), so a modal that
 * must answer in the channel carries its own way back in private_metadata.
 * https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload
 */
export function viewSubmissionBody(input: ViewSubmissionInput): string {
  const values = Object.fromEntries(
    Object.entries(input.values).map(([blockId, value]) => [
      blockId,
      { value: input.selects?.includes(blockId) ? { type: 'static_select', selected_option: { value, text: { type: 'plain_text', text: value } } } : { type: 'plain_text_input', value } },
    ]),
  );
  const payload = {
    type: 'view_submission',
    team: { id: 'TSANDBOX', domain: 'opsloop-sandbox' },
    user: { id: input.userId, username: input.userId.toLowerCase(), team_id: 'TSANDBOX' },
    api_app_id: 'AOPSLOOP',
    trigger_id: `${Date.now()}.sandbox`,
    view: { id: input.view.id, type: 'modal', callback_id: input.view.callback_id, private_metadata: input.view.private_metadata ?? '', state: { values } },
    response_urls: [],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Posts a signed modal submission to an OpsLoop API, as Slack would; returns the status and the answer's body. */
export async function sendViewSubmission(apiUrl: string, signingSecret: string, input: ViewSubmissionInput): Promise<{ status: number; body: string }> {
  const signed = signAsSlack(signingSecret, viewSubmissionBody(input));
  const response = await fetch(`${apiUrl}/slack/interactions`, { method: 'POST', headers: signed.headers, body: signed.body });
  return { status: response.status, body: await response.text() };
}
