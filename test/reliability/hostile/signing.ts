import fc from 'fast-check';
import { slackSignature } from '../../../src/api/slack/verify-request';
import { WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER, webhookSignature } from '../../../src/signing/webhook-signature';

/** Slack's v0 scheme (hex) or OpsLoop's webhook scheme (base64, also accepting a bearer secret). */
export type Scheme = 'slack' | 'webhook';

const HEADERS = {
  slack: { timestamp: 'x-slack-request-timestamp', signature: 'x-slack-signature' },
  webhook: { timestamp: WEBHOOK_TIMESTAMP_HEADER, signature: WEBHOOK_SIGNATURE_HEADER },
} as const;

const sign = (scheme: Scheme, secret: string, timestamp: string, body: Buffer): string =>
  scheme === 'slack' ? slackSignature(secret, timestamp, body) : webhookSignature(secret, timestamp, body);

const now = (): number => Math.floor(Date.now() / 1000);

/** Correct headers for `body`, signed now. */
export function signed(scheme: Scheme, secret: string, body: Buffer): Record<string, string> {
  const timestamp = String(now());
  return { [HEADERS[scheme].timestamp]: timestamp, [HEADERS[scheme].signature]: sign(scheme, secret, timestamp, body) };
}

/** One way a request can fail to prove where it came from, or (`fresh`) a control that must still pass. */
export type Mutation =
  | { kind: 'fresh'; skew: number }
  | { kind: 'stale'; skew: number }
  | { kind: 'future'; skew: number }
  | { kind: 'malformed-timestamp'; value: string }
  | { kind: 'flipped'; at: number }
  | { kind: 'version'; prefix: string }
  | { kind: 'truncated'; keep: number }
  | { kind: 'other-secret'; secret: string }
  | { kind: 'tampered-body'; extra: string }
  | { kind: 'missing'; header: 'timestamp' | 'signature' | 'both' }
  | { kind: 'bearer'; value: string };

const printable = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789+/=-_. '.split('')), minLength: 1, maxLength: 80 });

/**
 * Inside Slack's five-minute window either way, with a margin for the second that may tick between signing and
 * verifying; outside it by at least 301 s in the past and (for the same reason) 303 s in the future.
 */
export const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('fresh' as const), skew: fc.integer({ min: -290, max: 290 }) }),
  fc.record({ kind: fc.constant('stale' as const), skew: fc.integer({ min: 301, max: 100_000_000 }) }),
  fc.record({ kind: fc.constant('future' as const), skew: fc.integer({ min: 303, max: 100_000_000 }) }),
  fc.record({ kind: fc.constant('malformed-timestamp' as const), value: fc.constantFrom('', 'abc', '-5', '1e9', ' 1700000000', '17000000000000', '0x6553f100', '1700000000.5') }),
  fc.record({ kind: fc.constant('flipped' as const), at: fc.nat({ max: 66 }) }),
  fc.record({ kind: fc.constant('version' as const), prefix: fc.constantFrom('v1=', 'V0=', 'v0:', 'v00=', 'sha256=', 'v0=v0=') }),
  fc.record({ kind: fc.constant('truncated' as const), keep: fc.nat({ max: 40 }) }),
  fc.record({ kind: fc.constant('other-secret' as const), secret: printable }),
  fc.record({ kind: fc.constant('tampered-body' as const), extra: fc.string({ minLength: 1, maxLength: 20 }) }),
  fc.record({ kind: fc.constant('missing' as const), header: fc.constantFrom('timestamp' as const, 'signature' as const, 'both' as const) }),
  fc.record({ kind: fc.constant('bearer' as const), value: printable }),
);

const flip = (signature: string, at: number): string => {
  const i = at % signature.length;
  const alphabet = /^v0=[0-9a-f]+$/.test(signature) ? '0123456789abcdef' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const replacement = alphabet[(alphabet.indexOf(signature[i]!) + 1) % alphabet.length]!;
  return `${signature.slice(0, i)}${replacement}${signature.slice(i + 1)}`;
};

/** The request as the mutation leaves it: headers, and the body actually sent (which may differ from the one signed). */
export function mutate(scheme: Scheme, secret: string, body: Buffer, m: Mutation): { headers: Record<string, string>; body: Buffer } {
  const names = HEADERS[scheme];
  const at = (timestamp: string, signingSecret = secret) => ({ [names.timestamp]: timestamp, [names.signature]: sign(scheme, signingSecret, timestamp, body) });
  const good = at(String(now()));
  const signature = good[names.signature]!;
  switch (m.kind) {
    case 'fresh':
      return { headers: at(String(now() - m.skew)), body };
    case 'stale':
      return { headers: at(String(now() - m.skew)), body };
    case 'future':
      return { headers: at(String(now() + m.skew)), body };
    case 'malformed-timestamp':
      return { headers: { ...at(m.value) }, body };
    case 'flipped':
      return { headers: { ...good, [names.signature]: flip(signature, m.at) }, body };
    case 'version':
      return { headers: { ...good, [names.signature]: `${m.prefix}${signature.replace(/^v0=/, '')}` }, body };
    case 'truncated':
      return { headers: { ...good, [names.signature]: signature.slice(0, m.keep) }, body };
    case 'other-secret':
      return { headers: at(String(now()), m.secret === secret ? `${secret}x` : m.secret), body };
    case 'tampered-body':
      return { headers: good, body: Buffer.concat([body, Buffer.from(m.extra)]) };
    case 'missing': {
      const headers: Record<string, string> = { ...good };
      if (m.header !== 'signature') delete headers[names.timestamp];
      if (m.header !== 'timestamp') delete headers[names.signature];
      return { headers, body };
    }
    case 'bearer':
      return { headers: { authorization: `Bearer ${m.value === secret ? `${secret} ` : m.value}` }, body };
  }
}
