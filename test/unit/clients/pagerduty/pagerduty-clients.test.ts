import { randomBytes } from 'node:crypto';
import { toApplicationFailure } from '../../../../src/activities/to-failure';
import { NetworkError, OnCallNotConfiguredError, PagerDutyError, TimeoutError } from '../../../../src/clients/errors';
import { createOnCallProvider, type OnCallProvider } from '../../../../src/clients/oncall/on-call-provider';
import { pagerDutyErrorFor } from '../../../../src/clients/pagerduty/errors';
import { createPagerDutyRestClient } from '../../../../src/clients/pagerduty/rest-api';
import { startFakePagerDuty, type FakePagerDuty } from '../../../../src/sandbox/fake-pagerduty';

const KEY = randomBytes(16).toString('hex');
const TOKEN = `rest-${randomBytes(12).toString('hex')}`;
const DEDUP = 'opsloop/INC0010001/level-1';
/** Generous: the machine is shared; only the hang test waits it out. */
const TIMEOUT_MS = 3000;

const triggerEvent = (routingKey = KEY) => ({
  routingKey,
  action: 'trigger' as const,
  dedupKey: DEDUP,
  payload: { summary: 'INC0010001 · P1 · checkout is down', source: 'OpsLoop', severity: 'critical' as const, customDetails: { incident: 'INC0010001' } },
  links: [{ href: 'https://slack.example/archives/C1/p1', text: 'Slack thread' }],
});

/** What the activity boundary makes of an error, or of a call that did not fail. */
async function failureOf(call: Promise<unknown>) {
  try {
    await call;
  } catch (err) {
    return { err, failure: toApplicationFailure(err) };
  }
  throw new Error('expected the call to fail');
}

describe('PagerDuty clients against the sandbox PagerDuty over HTTP', () => {
  let pd: FakePagerDuty;
  let provider: OnCallProvider;
  beforeEach(async () => {
    pd = await startFakePagerDuty({ routingKeys: [KEY], apiTokens: [TOKEN] });
    provider = createOnCallProvider({ eventsUrl: pd.url, apiUrl: pd.url, apiToken: TOKEN, timeoutMs: TIMEOUT_MS });
  });
  afterEach(async () => {
    await pd.close();
  });

  describe('Events API v2', () => {
    it('triggers an alert with the payload, links and details, and returns its dedup key', async () => {
      expect(await provider.sendEvent(triggerEvent())).toEqual({ dedupKey: DEDUP });
      expect(pd.alerts).toEqual([
        expect.objectContaining({ routingKey: KEY, dedupKey: DEDUP, status: 'triggered', severity: 'critical', source: 'OpsLoop', links: [{ href: 'https://slack.example/archives/C1/p1', text: 'Slack thread' }], customDetails: { incident: 'INC0010001' } }),
      ]);
    });

    it('keeps one alert for a repeated trigger, then acknowledges and resolves it', async () => {
      await provider.sendEvent(triggerEvent());
      await provider.sendEvent(triggerEvent());
      await provider.sendEvent({ routingKey: KEY, action: 'acknowledge', dedupKey: DEDUP });
      await provider.sendEvent({ routingKey: KEY, action: 'resolve', dedupKey: DEDUP });
      const alerts = pd.alertsFor(KEY, DEDUP);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.history.map((h) => h.outcome)).toEqual(['opened', 'deduplicated', 'acknowledged', 'resolved']);
      // acknowledge and resolve carry no payload, as PagerDuty's examples send them.
      expect(pd.events.at(-1)?.body).toEqual({ routing_key: KEY, event_action: 'resolve', dedup_key: DEDUP });
    });

    it('cuts a summary to PagerDuty’s 1,024 characters instead of being refused', async () => {
      const event = triggerEvent();
      await provider.sendEvent({ ...event, payload: { ...event.payload, summary: 'x'.repeat(5000) } });
      expect(pd.alerts[0]?.summary).toHaveLength(1024);
    });

    it('fails fast on a 400 with PagerDuty’s words, never the routing key', async () => {
      const badKey = `${KEY.slice(0, 30)}!!`;
      const { err, failure } = await failureOf(provider.sendEvent(triggerEvent(badKey)));
      expect(err).toBeInstanceOf(PagerDutyError);
      expect((err as PagerDutyError).errors).toEqual(["'routing_key' may contain only letters and digits"]);
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toContain("PagerDuty refused the request as invalid (400): Event object is invalid: 'routing_key' may contain only letters and digits");
      expect(`${failure.message} ${(err as Error).message}`).not.toContain(badKey);
      expect(`${failure.message} ${(err as Error).message}`).not.toContain(KEY.slice(0, 30));
    });

    it('retries a 429 after the Retry-After PagerDuty sent', async () => {
      pd.faults.add('enqueue', { status: 429, retryAfterSeconds: 7 });
      const { err, failure } = await failureOf(provider.sendEvent(triggerEvent()));
      expect(err).toMatchObject({ status: 429, retryAfterMs: 7000 });
      expect(failure.nonRetryable).toBe(false);
      expect(failure.nextRetryDelay).toBe(7000);
      expect(await provider.sendEvent(triggerEvent())).toEqual({ dedupKey: DEDUP });
      expect(pd.alerts).toHaveLength(1);
    });

    it('retries a 5xx with the normal backoff', async () => {
      pd.faults.add('enqueue', { status: 503 });
      const { err, failure } = await failureOf(provider.sendEvent(triggerEvent()));
      expect(err).toMatchObject({ status: 503 });
      expect(failure.nonRetryable).toBe(false);
      expect(failure.nextRetryDelay).toBeUndefined();
      expect(pd.alerts).toEqual([]);
    });

    it('times out a PagerDuty that does not answer, as a retryable failure', async () => {
      pd.faults.add('enqueue', { hang: true });
      const impatient = createOnCallProvider({ eventsUrl: pd.url, timeoutMs: 200 });
      const { err, failure } = await failureOf(impatient.sendEvent(triggerEvent()));
      expect(err).toBeInstanceOf(TimeoutError);
      expect(failure.nonRetryable).toBe(false);
    });

    it('after a lost answer, the retried trigger lands on the same alert', async () => {
      pd.faults.add('enqueue', { dropResponse: true });
      const { err, failure } = await failureOf(provider.sendEvent(triggerEvent()));
      expect(err).toBeInstanceOf(NetworkError);
      expect(failure.nonRetryable).toBe(false);
      expect(pd.events.at(-1)).toMatchObject({ outcome: 'opened', answerDropped: true });
      expect(await provider.sendEvent(triggerEvent())).toEqual({ dedupKey: DEDUP });
      expect(pd.alertsFor(KEY, DEDUP)).toHaveLength(1);
      expect(pd.alertsFor(KEY, DEDUP)[0]?.history.map((h) => h.outcome)).toEqual(['opened', 'deduplicated']);
    });
  });

  describe('REST API v2 on-calls', () => {
    beforeEach(() => {
      pd.onCalls.set('PPOLICY1', [
        { level: 2, user: { id: 'PUSER02', name: 'Grace Hopper' }, start: null, end: null },
        { level: 1, user: { id: 'PUSER01', name: 'Ada Lovelace' }, start: '2020-01-01T00:00:00Z', end: '2099-01-01T00:00:00Z' },
        { level: 1, user: { id: 'PUSER04', name: 'Alan Turing' }, start: '2020-01-01T00:00:00Z', end: '2099-01-01T00:00:00Z' },
      ]);
    });

    it('reads every page, earliest per level and user, with the token and versioned Accept', async () => {
      const entries = await provider.whoIsOnCall({ escalationPolicyId: 'PPOLICY1' });
      expect(entries).toEqual([
        { level: 1, userName: 'Ada Lovelace', userId: 'PUSER01', htmlUrl: 'https://sandbox.pagerduty.invalid/users/PUSER01', until: '2099-01-01T00:00:00Z' },
        { level: 1, userName: 'Alan Turing', userId: 'PUSER04', htmlUrl: 'https://sandbox.pagerduty.invalid/users/PUSER04', until: '2099-01-01T00:00:00Z' },
        { level: 2, userName: 'Grace Hopper', userId: 'PUSER02', htmlUrl: 'https://sandbox.pagerduty.invalid/users/PUSER02' },
      ]);
      const query = new URLSearchParams(pd.restCalls.at(-1)?.query);
      expect(query.getAll('escalation_policy_ids[]')).toEqual(['PPOLICY1']);
      expect(query.get('earliest')).toBe('true');
      expect(pd.restCalls.every((c) => c.accept === 'application/vnd.pagerduty+json;version=2')).toBe(true);
    });

    it('follows `more` across pages', async () => {
      const rest = createPagerDutyRestClient({ apiUrl: pd.url, token: TOKEN, timeoutMs: TIMEOUT_MS, pageSize: 1 });
      expect((await rest.listOnCalls('PPOLICY1')).map((o) => o.user.id).sort()).toEqual(['PUSER01', 'PUSER02', 'PUSER04']);
      expect(pd.restCalls.map((c) => new URLSearchParams(c.query).get('offset'))).toEqual(['0', '1', '2']);
    });

    it('fails fast on a 401 or 403 with PagerDuty’s words, never the token', async () => {
      const wrong = createOnCallProvider({ eventsUrl: pd.url, apiUrl: pd.url, apiToken: 'not-a-key-of-this-account', timeoutMs: TIMEOUT_MS });
      const unauthorized = await failureOf(wrong.whoIsOnCall({ escalationPolicyId: 'PPOLICY1' }));
      expect(unauthorized.failure.nonRetryable).toBe(true);
      expect(unauthorized.failure.message).toContain('PagerDuty did not accept the credentials (401): Authentication failed');
      expect(unauthorized.failure.message).not.toContain('not-a-key-of-this-account');
      pd.deniedTokens.add(TOKEN);
      pd.apiTokens.delete(TOKEN);
      const forbidden = await failureOf(provider.whoIsOnCall({ escalationPolicyId: 'PPOLICY1' }));
      expect(forbidden.failure.nonRetryable).toBe(true);
      expect(forbidden.failure.message).toContain('PagerDuty refused access (403): Access Denied');
      expect(forbidden.failure.message).not.toContain(TOKEN);
    });

    it('retries a throttled on-calls read after its Retry-After', async () => {
      pd.faults.add('oncalls', { status: 429, retryAfterSeconds: 2 });
      const { failure } = await failureOf(provider.whoIsOnCall({ escalationPolicyId: 'PPOLICY1' }));
      expect(failure.nonRetryable).toBe(false);
      expect(failure.nextRetryDelay).toBe(2000);
    });

    it('without a REST key, says how to configure one and sends nothing', async () => {
      const eventsOnly = createOnCallProvider({ eventsUrl: pd.url, apiUrl: pd.url, timeoutMs: TIMEOUT_MS });
      const { err, failure } = await failureOf(eventsOnly.whoIsOnCall({ escalationPolicyId: 'PPOLICY1' }));
      expect(err).toBeInstanceOf(OnCallNotConfiguredError);
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toContain('PAGERDUTY_API_TOKEN');
      expect(pd.restCalls).toEqual([]);
    });
  });

  it('redacts a secret PagerDuty echoes back in its words', () => {
    const body = JSON.stringify({ status: 'invalid event', message: `Event object is invalid for ${KEY}`, errors: [`routing key ${KEY} is disabled`] });
    const err = pagerDutyErrorFor('PagerDuty Events API enqueue', [KEY])({ status: 400, text: body });
    expect(err.message).toBe('PagerDuty Events API enqueue failed: 400 Event object is invalid for [redacted]: routing key [redacted] is disabled');
    expect(toApplicationFailure(err).message).not.toContain(KEY);
  });

  it('keeps only the status of an error body it cannot read', () => {
    const err = pagerDutyErrorFor('PagerDuty Events API enqueue', [KEY])({ status: 502, text: '<html>Bad gateway</html>' });
    expect(err).toMatchObject({ status: 502, pagerDutyMessage: '', errors: [] });
    expect(err.retryable).toBe(true);
  });
});
