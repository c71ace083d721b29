import { createHmac } from 'node:crypto';
import { safeEqual } from './safe-equal';

/**
 * Signature scheme for the webhooks OpsLoop receives (ServiceNow Business Rule, agent callbacks). It mirrors the
 * AWS DevOps Agent's generic webhook so one verifier serves both, and ServiceNow can compute it in a Business Rule
 * (GlideCertificateEncryption.generateMac gives base64 HMAC-SHA256):
 *
 *   X-OpsLoop-Timestamp: <unix seconds>
 *   X-OpsLoop-Signature: base64(HMAC-SHA256(secret, `${timestamp}:${rawBody}`))
 *
 * A bearer secret (`Authorization: Bearer <secret>`) is accepted as the simpler, weaker option: no integrity,
 * no replay window.
 */
export const WEBHOOK_TIMESTAMP_HEADER = 'x-opsloop-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'x-opsloop-signature';
export const WEBHOOK_MAX_SKEW_SECONDS = 300;

/** Thrown when a webhook is not authenticated; `reason` is safe to return to the caller. */
export class WebhookAuthError extends Error {
  constructor(readonly reason: string) {
    super(`webhook authentication failed: ${reason}`);
    this.name = 'WebhookAuthError';
  }
}

export function webhookSignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}:`).update(rawBody).digest('base64');
}


export interface WebhookAuthInput {
  secrets: readonly string[];
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  authorization: string | undefined;
  nowMs: number;
}

/** Accepts a fresh HMAC signature or a bearer secret; throws WebhookAuthError otherwise. */
export function verifyWebhook(input: WebhookAuthInput): 'hmac' | 'bearer' {
  if (input.signature !== undefined || input.timestamp !== undefined) {
    const { timestamp, signature } = input;
    if (!timestamp) throw new WebhookAuthError('missing X-OpsLoop-Timestamp header');
    if (!signature) throw new WebhookAuthError('missing X-OpsLoop-Signature header');
    if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookAuthError('malformed X-OpsLoop-Timestamp header (unix seconds expected)');
    const skew = Math.floor(input.nowMs / 1000) - Number(timestamp);
    if (skew > WEBHOOK_MAX_SKEW_SECONDS) throw new WebhookAuthError('stale timestamp (older than 5 minutes)');
    if (skew < -WEBHOOK_MAX_SKEW_SECONDS) throw new WebhookAuthError('timestamp is in the future');
    if (!input.secrets.some((s) => safeEqual(webhookSignature(s, timestamp, input.rawBody), signature))) {
      throw new WebhookAuthError('signature mismatch');
    }
    return 'hmac';
  }
  const bearer = /^Bearer (.+)$/.exec(input.authorization ?? '')?.[1];
  if (!bearer) throw new WebhookAuthError('missing X-OpsLoop-Signature (or Authorization: Bearer) header');
  if (!input.secrets.some((s) => safeEqual(s, bearer))) throw new WebhookAuthError('wrong bearer secret');
  return 'bearer';
}
