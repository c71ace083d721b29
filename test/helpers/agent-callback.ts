import { WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER, webhookSignature } from '../../src/signing/webhook-signature';
import type { Stack } from './stack';

/** Posts findings to the stack's /webhooks/agent, signed as an agent would; throws unless OpsLoop accepts them (202). */
export async function sendAgentFindings(stack: Stack, findings: object): Promise<void> {
  const body = JSON.stringify(findings);
  const ts = String(Math.floor(Date.now() / 1000));
  const res = await fetch(`${stack.apiUrl}/webhooks/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [WEBHOOK_TIMESTAMP_HEADER]: ts, [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(stack.agentCallbackSecret, ts, body) },
    body,
  });
  if (res.status !== 202) throw new Error(`/webhooks/agent answered ${res.status}: ${await res.text()}`);
}
