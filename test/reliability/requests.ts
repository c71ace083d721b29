import { WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER, webhookSignature } from '../../src/signing/webhook-signature';
import type { Findings } from '../../src/contracts/schemas/findings';
import { businessRuleBody } from '../../src/sandbox/business-rule-sender';
import type { FakeIncident } from '../../src/sandbox/fake-incident';
import type { ChannelMessage } from '../../src/sandbox/fake-slack';
import { buttonsOf } from '../../src/sandbox/slack-messages';
import { buttonClickBody, signAsSlack, slashCommandBody } from '../../src/sandbox/slack-requests';
import type { Effect, Outgoing } from './ledger';

/** Signed requests exactly as Slack, the Business Rule and the agent send them, each with the effect it should have. */

const signedWebhook = (secret: string, body: string): Record<string, string> => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return { 'content-type': 'application/json', [WEBHOOK_TIMESTAMP_HEADER]: timestamp, [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body) };
};

export function serviceNowEvent(secret: string, incident: FakeIncident, operation: 'insert' | 'update' = 'update'): Outgoing {
  const body = businessRuleBody(incident, operation);
  return {
    route: '/webhooks/servicenow',
    headers: signedWebhook(secret, body),
    body,
    effect: { kind: 'incident-event', incidentNumber: incident.number, sysModCount: Number(incident.sys_mod_count) },
  };
}

export function findings(secret: string, value: Findings): Outgoing {
  const body = JSON.stringify(value);
  return { route: '/webhooks/agent', headers: signedWebhook(secret, body), body, effect: { kind: 'findings', incidentNumber: value.incidentNumber } };
}

export interface SlashInput {
  text: string;
  userId: string;
  responseUrl: string;
  channelId?: string;
  command?: string;
}

/** `/ops resolve INC… notes` expects a resolution request; any other command is given `effect`. */
export function slashCommand(signingSecret: string, input: SlashInput, effect?: Effect): Outgoing {
  const signed = signAsSlack(signingSecret, slashCommandBody({ command: input.command ?? '/ops', channelId: input.channelId ?? 'C0INCIDENTS', ...input }));
  const resolve = /^resolve (INC\d+)/i.exec(input.text);
  return {
    route: '/slack/commands',
    ...signed,
    effect: effect ?? (resolve ? { kind: 'resolution-request', incidentNumber: resolve[1]!.toUpperCase(), userId: input.userId } : { kind: 'none' }),
  };
}

/** A click on one of a decision message's buttons (whose value starts with the approval's workflow id). */
export function buttonClick(
  signingSecret: string,
  message: ChannelMessage,
  click: { choice: 'approve' | 'reject' | 'escalate'; userId: string; responseUrl: string; expect: 'accepted' | 'refused' | { race: string } },
): Outgoing {
  const button = buttonsOf(message).find((b) => b.action_id.endsWith(`.${click.choice}`));
  const approvalWorkflowId = button && /^incident\/INC\d+\/approval\/\d+/.exec(button.value)?.[0];
  if (!button || !approvalWorkflowId) throw new Error(`no ${click.choice} decision button on message ${message.ts}`);
  const signed = signAsSlack(
    signingSecret,
    buttonClickBody({ userId: click.userId, actionId: button.action_id, value: button.value, channelId: message.channel, messageTs: message.ts, responseUrl: click.responseUrl }),
  );
  return {
    route: '/slack/interactions',
    ...signed,
    effect: { kind: 'decision', approvalWorkflowId, userId: click.userId, expect: click.expect },
  };
}

/** An `app_mention` event; a redelivery carries Slack's retry headers and the same event id. */
export function mention(signingSecret: string, input: { eventId: string; text: string; userId: string; ts: string; retry?: number }): Outgoing {
  const body = JSON.stringify({
    type: 'event_callback',
    event_id: input.eventId,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_mention', user: input.userId, text: `<@U0OPSLOOP> ${input.text}`, channel: 'C0INCIDENTS', ts: input.ts, event_ts: input.ts },
  });
  const signed = signAsSlack(signingSecret, body);
  const retry: Record<string, string> = input.retry ? { 'x-slack-retry-num': String(input.retry), 'x-slack-retry-reason': 'http_timeout' } : {};
  return { route: '/slack/events', headers: { ...signed.headers, 'content-type': 'application/json', ...retry }, body, effect: { kind: 'mention', eventId: input.eventId } };
}
