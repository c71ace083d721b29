import { DECISION_ACTION_PREFIX } from '../../src/contracts/decision';
import { signAsSlack, slashCommandBody } from '../../src/sandbox/slack-requests';
import type { PreparedRequest } from './http-client';

const prepared = (path: string, signingSecret: string, body: string): PreparedRequest => {
  const signed = signAsSlack(signingSecret, body);
  return { path, headers: signed.headers, body: signed.body };
};

/** `count` signed, unique `/ops status <incident>` commands (each its own user and response_url), round-robin over incidents. */
export function statusCommands(signingSecret: string, incidentNumbers: readonly string[], responseUrlBase: string, count: number, tag: string): PreparedRequest[] {
  return Array.from({ length: count }, (_, i) =>
    prepared(
      '/slack/commands',
      signingSecret,
      slashCommandBody({
        command: '/ops',
        text: `status ${incidentNumbers[i % incidentNumbers.length]}`,
        userId: `UBENCH${tag}${i}`,
        channelId: 'C0INCIDENTS',
        responseUrl: `${responseUrlBase}/response/bench-${tag}-${i}`,
      }),
    ),
  );
}

/**
 * `count` signed, unique Approve clicks on a parked approval by users who are not approvers: every click is a real
 * Update whose validator runs in the worker and refuses it, so it can be repeated without deciding anything.
 * No response_url, so no candidate does work after its answer. Round-robin over the parked approvals' buttons.
 */
export function refusedClicks(signingSecret: string, buttonValues: readonly string[], count: number, tag: string): PreparedRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const userId = `UNOTAPPROVER${tag}${i}`;
    const payload = {
      type: 'block_actions',
      user: { id: userId, username: userId.toLowerCase(), team_id: 'TSANDBOX' },
      api_app_id: 'AOPSLOOP',
      team: { id: 'TSANDBOX', domain: 'opsloop-sandbox' },
      container: { type: 'message', message_ts: '1700000000.000001', channel_id: 'C0INCIDENTS', is_ephemeral: false },
      channel: { id: 'C0INCIDENTS', name: 'incidents' },
      trigger_id: `${Date.now()}.${i}.bench`,
      actions: [
        { type: 'button', action_id: `${DECISION_ACTION_PREFIX}approve`, block_id: 'decision', value: buttonValues[i % buttonValues.length], action_ts: (Date.now() / 1000).toFixed(6) },
      ],
    };
    return prepared('/slack/interactions', signingSecret, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
  });
}
