import { randomBytes } from 'node:crypto';
import { startFakePagerDuty, type FakePagerDuty } from '../../../src/sandbox/fake-pagerduty';

const KEY = randomBytes(16).toString('hex');
const OTHER_KEY = randomBytes(16).toString('hex');
const TOKEN = 'sandbox-rest-key-0123456789';

const trigger = (overrides: Record<string, unknown> = {}) => ({
  routing_key: KEY,
  event_action: 'trigger',
  dedup_key: 'opsloop/INC0010001/level-1',
  payload: { summary: 'INC0010001 · P1 · checkout is down', source: 'OpsLoop', severity: 'critical' },
  ...overrides,
});

describe('the sandbox PagerDuty', () => {
  let pd: FakePagerDuty;
  beforeEach(async () => {
    pd = await startFakePagerDuty({ routingKeys: [KEY, OTHER_KEY], apiTokens: [TOKEN] });
  });
  afterEach(async () => {
    await pd.close();
  });

  const enqueue = async (body: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${pd.url}/v2/enqueue`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  describe('Events API v2 validation', () => {
    it('lists every problem of a malformed routing key in one 400, in PagerDuty’s error shape', async () => {
      const { status, body } = await enqueue(trigger({ routing_key: 'short-key!' }));
      expect(status).toBe(400);
      expect(body).toEqual({
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ["'routing_key' must be 32 characters long", "'routing_key' may contain only letters and digits"],
      });
      expect(pd.alerts).toEqual([]);
    });

    it('refuses a well-formed key that no integration has', async () => {
      const { status, body } = await enqueue(trigger({ routing_key: randomBytes(16).toString('hex') }));
      expect(status).toBe(400);
      expect(body.errors).toEqual(['Invalid routing key']);
    });

    it.each([
      ['an unknown event_action', { event_action: 'page' }, "'event_action' must be one of trigger, acknowledge, resolve"],
      ['a trigger without payload', { payload: undefined }, "'payload' is required for a trigger event"],
      ['a blank summary', { payload: { summary: ' ', source: 'OpsLoop', severity: 'critical' } }, "'payload.summary' is missing or blank"],
      ['a summary over 1024 characters', { payload: { summary: 'x'.repeat(1025), source: 'OpsLoop', severity: 'critical' } }, "'payload.summary' must be at most 1024 characters"],
      ['no source', { payload: { summary: 'down', severity: 'critical' } }, "'payload.source' is missing or blank"],
      ['a severity outside the enum', { payload: { summary: 'down', source: 'OpsLoop', severity: 'high' } }, "'payload.severity' must be one of critical, error, warning, info"],
      ['a dedup_key over 255 characters', { dedup_key: 'k'.repeat(256) }, "'dedup_key' must be at most 255 characters"],
      ['a link without href', { links: [{ text: 'thread' }] }, "'links' must be a list of objects with an 'href'"],
    ])('refuses %s', async (_name, overrides, problem) => {
      const { status, body } = await enqueue(trigger(overrides));
      expect(status).toBe(400);
      expect(body.errors).toEqual([problem]);
      expect(pd.alerts).toEqual([]);
      expect(pd.events.at(-1)).toMatchObject({ status: 400, outcome: 'invalid' });
    });

    it('needs a dedup_key to acknowledge or resolve', async () => {
      for (const action of ['acknowledge', 'resolve']) {
        const { status, body } = await enqueue({ routing_key: KEY, event_action: action });
        expect({ action, status, errors: body.errors }).toEqual({ action, status: 400, errors: [`'dedup_key' is required for a ${action} event`] });
      }
    });

    it('answers a body that is not JSON as an unrecognized object', async () => {
      const { status, body } = await enqueue('{"routing_key":');
      expect(status).toBe(400);
      expect(body).toEqual({ status: 'Unrecognized object', message: 'Event object format is unrecognized', errors: ['JSON parse error'] });
    });
  });

  describe('alerts and de-duplication', () => {
    it('opens one alert per open dedup_key, acknowledges and resolves it, and opens a new one after', async () => {
      const first = await enqueue(trigger());
      expect(first).toEqual({ status: 202, body: { status: 'success', message: 'Event processed', dedup_key: 'opsloop/INC0010001/level-1' } });
      expect((await enqueue(trigger())).status).toBe(202);
      expect(pd.alertsFor(KEY, 'opsloop/INC0010001/level-1')).toHaveLength(1);
      await enqueue({ routing_key: KEY, event_action: 'acknowledge', dedup_key: 'opsloop/INC0010001/level-1' });
      await enqueue({ routing_key: KEY, event_action: 'resolve', dedup_key: 'opsloop/INC0010001/level-1' });
      const [alert] = pd.alertsFor(KEY, 'opsloop/INC0010001/level-1');
      expect(alert?.status).toBe('resolved');
      expect(alert?.history.map((h) => h.outcome)).toEqual(['opened', 'deduplicated', 'acknowledged', 'resolved']);

      // After resolve: acknowledge and resolve are dropped (still 202), a trigger opens a new alert.
      expect((await enqueue({ routing_key: KEY, event_action: 'acknowledge', dedup_key: 'opsloop/INC0010001/level-1' })).status).toBe(202);
      expect(pd.events.at(-1)?.outcome).toBe('dropped');
      await enqueue(trigger());
      expect(pd.alertsFor(KEY, 'opsloop/INC0010001/level-1').map((a) => a.status)).toEqual(['resolved', 'triggered']);
    });

    it('never applies an event through another routing key to the alert', async () => {
      await enqueue(trigger());
      await enqueue({ routing_key: OTHER_KEY, event_action: 'resolve', dedup_key: 'opsloop/INC0010001/level-1' });
      expect(pd.events.at(-1)?.outcome).toBe('dropped');
      expect(pd.alertsFor(KEY, 'opsloop/INC0010001/level-1')[0]?.status).toBe('triggered');
    });

    it('generates a dedup_key for a trigger without one', async () => {
      const { body } = await enqueue(trigger({ dedup_key: undefined }));
      expect(body.dedup_key).toMatch(/^[0-9a-f]{32}$/);
      expect(pd.alerts[0]?.dedupKey).toBe(body.dedup_key);
    });

    it('applies fault switches: 429 with Retry-After, and nothing is ingested', async () => {
      pd.faults.add('enqueue', { status: 429, retryAfterSeconds: 30 });
      const res = await fetch(`${pd.url}/v2/enqueue`, { method: 'POST', body: JSON.stringify(trigger()) });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(pd.alerts).toEqual([]);
      expect(pd.events.at(-1)).toMatchObject({ status: 429, outcome: 'fault' });
    });
  });

  describe('REST API v2 GET /oncalls', () => {
    const onCalls = async (query: string, token = TOKEN) => {
      const res = await fetch(`${pd.url}/oncalls${query}`, {
        headers: { Accept: 'application/vnd.pagerduty+json;version=2', ...(token ? { Authorization: `Token token=${token}` } : {}) },
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    beforeEach(() => {
      pd.onCalls.set('PPOLICY1', [
        { level: 1, user: { id: 'PUSER01', name: 'Ada Lovelace' }, start: '2020-01-01T00:00:00Z', end: '2099-01-01T00:00:00Z' },
        { level: 2, user: { id: 'PUSER02', name: 'Grace Hopper' }, start: null, end: null },
        { level: 1, user: { id: 'PUSER03', name: 'Past Person' }, start: '2019-01-01T00:00:00Z', end: '2019-02-01T00:00:00Z' },
      ]);
      pd.onCalls.set('PPOLICY2', [{ level: 1, user: { id: 'PUSER09', name: 'Other Team' } }]);
    });

    it('needs a known key (401) that may read on-calls (403), in the REST error shape', async () => {
      expect(await onCalls('', '')).toEqual({ status: 401, body: { error: { message: 'Authentication failed', code: 2006 } } });
      expect((await onCalls('', 'wrong-key')).status).toBe(401);
      pd.deniedTokens.add('read-nothing-key');
      expect(await onCalls('', 'read-nothing-key')).toEqual({ status: 403, body: { error: { message: 'Access Denied', code: 2010 } } });
    });

    it('filters by escalation policy and time, and pages with limit, offset and more', async () => {
      const page1 = await onCalls('?escalation_policy_ids[]=PPOLICY1&earliest=true&limit=1&offset=0');
      expect(page1.status).toBe(200);
      expect(page1.body).toMatchObject({ limit: 1, offset: 0, more: true, total: null });
      const page2 = await onCalls('?escalation_policy_ids[]=PPOLICY1&earliest=true&limit=1&offset=1');
      expect(page2.body.more).toBe(false);
      const all = [...(page1.body.oncalls as { user: { id: string; summary: string }; escalation_level: number }[]), ...(page2.body.oncalls as { user: { id: string }; escalation_level: number }[])];
      expect(all.map((o) => [o.escalation_level, o.user.id])).toEqual([
        [1, 'PUSER01'],
        [2, 'PUSER02'],
      ]);
      expect(pd.restCalls.at(-1)?.accept).toBe('application/vnd.pagerduty+json;version=2');
    });

    it('caps limit at 100 and refuses offset + limit past 10,000', async () => {
      expect((await onCalls('?limit=500')).body.limit).toBe(100);
      const refused = await onCalls('?limit=100&offset=9950');
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: { code: 2001 } });
    });
  });
});
