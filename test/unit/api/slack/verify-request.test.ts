import { SlackVerificationError, slackSignature, verifySlackSignature } from '../../../../src/api/slack/verify-request';

// The example from Slack's "Verifying requests from Slack" documentation.
const EXAMPLE = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const atExampleTime = Number(EXAMPLE.timestamp) * 1000;

const input = (overrides: Partial<Parameters<typeof verifySlackSignature>[0]> = {}) => ({
  signingSecrets: [EXAMPLE.secret],
  rawBody: Buffer.from(EXAMPLE.body),
  timestamp: EXAMPLE.timestamp,
  signature: EXAMPLE.signature,
  nowMs: atExampleTime,
  ...overrides,
});

const reasonOf = (fn: () => void): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof SlackVerificationError) return err.reason;
    throw err;
  }
  return 'accepted';
};

describe('verifySlackSignature', () => {
  it("computes Slack's published example signature", () => {
    expect(slackSignature(EXAMPLE.secret, EXAMPLE.timestamp, EXAMPLE.body)).toBe(EXAMPLE.signature);
  });

  it('accepts the example request at its own time and within five minutes of it', () => {
    expect(() => verifySlackSignature(input())).not.toThrow();
    expect(() => verifySlackSignature(input({ nowMs: atExampleTime + 299_000 }))).not.toThrow();
  });

  it('accepts a request signed with the previous secret during rotation', () => {
    expect(() => verifySlackSignature(input({ signingSecrets: ['new-secret', EXAMPLE.secret] }))).not.toThrow();
  });

  it.each([
    ['a stale timestamp', { nowMs: atExampleTime + 301_000 }, 'stale timestamp (older than 5 minutes)'],
    ['a timestamp in the future', { nowMs: atExampleTime - 301_000 }, 'timestamp is in the future'],
    ['another secret', { signingSecrets: ['not-the-secret'] }, 'signature mismatch'],
    ['a changed body', { rawBody: Buffer.from(EXAMPLE.body.replace('roadrunner', 'coyote')) }, 'signature mismatch'],
    ['a missing timestamp', { timestamp: undefined }, 'missing X-Slack-Request-Timestamp header'],
    ['a missing signature', { signature: undefined }, 'missing X-Slack-Signature header'],
    ['a non-numeric timestamp', { timestamp: '15314206l8' }, 'malformed X-Slack-Request-Timestamp header'],
    ['a v1 signature', { signature: EXAMPLE.signature.replace('v0=', 'v1=') }, 'malformed X-Slack-Signature header'],
    ['a truncated signature', { signature: EXAMPLE.signature.slice(0, -2) }, 'malformed X-Slack-Signature header'],
  ])('rejects %s', (_name, overrides, reason) => {
    expect(reasonOf(() => verifySlackSignature(input(overrides)))).toBe(reason);
  });
});
