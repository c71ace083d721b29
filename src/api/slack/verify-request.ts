import { createHmac } from 'node:crypto';
import { safeEqual } from '../../signing/safe-equal';

/** Slack signs requests at most this long ago; older (or further in the future) ones are replays or bad clocks. */
export const SLACK_MAX_SKEW_SECONDS = 300;

/** Thrown when a request does not carry a valid, fresh Slack v0 signature. `reason` is safe to return to the caller. */
export class SlackVerificationError extends Error {
  constructor(readonly reason: string) {
    super(`Slack request verification failed: ${reason}`);
    this.name = 'SlackVerificationError';
  }
}

export interface SlackSignatureInput {
  /** The current signing secret first, then a previous one during rotation. */
  signingSecrets: readonly string[];
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMs: number;
}

export function slackSignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
}


/** Verifies Slack's v0 signature over the exact raw bytes. Throws SlackVerificationError; returns nothing. */
export function verifySlackSignature(input: SlackSignatureInput): void {
  const { timestamp, signature } = input;
  if (!timestamp) throw new SlackVerificationError('missing X-Slack-Request-Timestamp header');
  if (!signature) throw new SlackVerificationError('missing X-Slack-Signature header');
  if (!/^\d{1,12}$/.test(timestamp)) throw new SlackVerificationError('malformed X-Slack-Request-Timestamp header');
  const skew = Math.floor(input.nowMs / 1000) - Number(timestamp);
  if (skew > SLACK_MAX_SKEW_SECONDS) throw new SlackVerificationError('stale timestamp (older than 5 minutes)');
  if (skew < -SLACK_MAX_SKEW_SECONDS) throw new SlackVerificationError('timestamp is in the future');
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) throw new SlackVerificationError('malformed X-Slack-Signature header');
  const valid = input.signingSecrets.some((secret) => safeEqual(slackSignature(secret, timestamp, input.rawBody), signature));
  if (!valid) throw new SlackVerificationError('signature mismatch');
}
