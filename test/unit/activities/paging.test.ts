import { randomBytes } from 'node:crypto';
import { toApplicationFailure } from '../../../src/activities/to-failure';
import { createPagingActivities } from '../../../src/activities/paging';
import { createOnCallProvider, type ResolveOnCall } from '../../../src/clients/oncall/on-call-provider';
import { pageDedupKey, severityForPriority, type PageOnCallInput } from '../../../src/contracts/paging';
import { startFakePagerDuty, type FakePagerDuty } from '../../../src/sandbox/fake-pagerduty';

const KEY = randomBytes(16).toString('hex');
const ENV = { PD_PAYMENTS_KEY: KEY };

/** Routes as the configuration will write them: keys as environment references, one escalation policy per route. */
const resolveOnCall: ResolveOnCall = (route, level) =>
  route === 'payments' && level <= 2 ? { routingKey: '${PD_PAYMENTS_KEY}', escalationPolicyId: 'PPAYMENTS' } : route === 'unset-key' ? { routingKey: '${PD_NOT_SET}' } : undefined;

const page = (overrides: Partial<PageOnCallInput> = {}): PageOnCallInput => ({
  incidentNumber: 'INC0010001',
  route: 'payments',
  level: 1,
  action: 'trigger',
  summary: 'INC0010001 · P1 · checkout is down',
  severity: 'critical',
  links: [{ href: 'https://slack.example/archives/C1/p1', text: 'Slack thread' }],
  ...overrides,
});

describe('paging activities', () => {
  let pd: FakePagerDuty;
  let activities: ReturnType<typeof createPagingActivities>;
  beforeEach(async () => {
    pd = await startFakePagerDuty({ routingKeys: [KEY], apiTokens: ['rest-key-for-tests'] });
    const onCall = createOnCallProvider({ eventsUrl: pd.url, apiUrl: pd.url, apiToken: 'rest-key-for-tests', timeoutMs: 3000 });
    activities = createPagingActivities({ onCall, resolveOnCall, env: ENV });
  });
  afterEach(async () => {
    await pd.close();
  });

  it('pages the route’s routing key, resolved from the environment, with a dedup key from the incident and level', async () => {
    const result = await activities.pageOnCall(page());
    expect(result).toEqual({ paged: true, dedupKey: 'opsloop/INC0010001/level-1', level: 1, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(JSON.stringify(result)).not.toContain(KEY);
    expect(pd.alerts).toEqual([expect.objectContaining({ routingKey: KEY, dedupKey: 'opsloop/INC0010001/level-1', severity: 'critical', summary: 'INC0010001 · P1 · checkout is down' })]);
  });

  it('a retry after a dropped answer opens no second alert', async () => {
    pd.faults.add('enqueue', { dropResponse: true });
    const lost = await activities.pageOnCall(page()).catch((err: unknown) => err);
    // The activity boundary hands this back to Temporal's retry policy.
    expect(toApplicationFailure(lost).nonRetryable).toBe(false);
    expect(pd.alerts).toHaveLength(1);
    expect(await activities.pageOnCall(page())).toEqual({ paged: true, dedupKey: 'opsloop/INC0010001/level-1', level: 1, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(pd.alertsFor(KEY, 'opsloop/INC0010001/level-1')).toHaveLength(1);
    expect(pd.alerts[0]?.history.map((h) => h.outcome)).toEqual(['opened', 'deduplicated']);
  });

  it('keeps one alert per incident and level, and acknowledges and resolves the right one', async () => {
    await activities.pageOnCall(page());
    await activities.pageOnCall(page({ level: 2 }));
    await activities.pageOnCall(page());
    expect(pd.alerts.map((a) => a.dedupKey)).toEqual(['opsloop/INC0010001/level-1', 'opsloop/INC0010001/level-2']);
    expect(await activities.pageOnCall({ incidentNumber: 'INC0010001', route: 'payments', level: 2, action: 'acknowledge' })).toMatchObject({ paged: true, level: 2 });
    expect(await activities.pageOnCall({ incidentNumber: 'INC0010001', route: 'payments', level: 1, action: 'resolve' })).toMatchObject({ paged: true, level: 1 });
    expect(pd.alerts.map((a) => a.status)).toEqual(['resolved', 'acknowledged']);
  });

  it('pages nobody, and says why, when there is no provider, no routes, no such route or no key in the environment', async () => {
    const onCall = createOnCallProvider({ eventsUrl: pd.url, timeoutMs: 3000 });
    expect(await createPagingActivities({ env: ENV }).pageOnCall(page())).toEqual({ paged: false, reason: 'no on-call provider is configured' });
    expect(await createPagingActivities({ onCall, env: ENV }).pageOnCall(page())).toEqual({ paged: false, reason: 'no on-call routes are configured' });
    expect(await activities.pageOnCall(page({ route: 'billing' }))).toEqual({ paged: false, reason: 'no on-call route billing at level 1' });
    expect(await activities.pageOnCall(page({ route: 'unset-key' }))).toEqual({
      paged: false,
      reason: "the routing key of on-call route unset-key names PD_NOT_SET, which is not set in the worker's environment",
    });
    expect(pd.events).toEqual([]);
  });

  it('refuses a trigger without summary or severity, and a malformed incident number, before sending anything', async () => {
    const noSummary = await activities.pageOnCall(page({ summary: undefined })).catch((err: unknown) => err);
    expect(toApplicationFailure(noSummary)).toMatchObject({ nonRetryable: true, message: expect.stringContaining('a trigger needs a summary and a severity') });
    const badNumber = await activities.pageOnCall(page({ incidentNumber: 'INC12' })).catch((err: unknown) => err);
    expect(toApplicationFailure(badNumber)).toMatchObject({ nonRetryable: true, message: expect.stringContaining('incidentNumber') });
    expect(pd.events).toEqual([]);
  });

  it('tells who is on call for a route, without its escalation policy in the answer', async () => {
    pd.onCalls.set('PPAYMENTS', [
      { level: 1, user: { id: 'PUSER01', name: 'Ada Lovelace' }, end: '2099-01-01T00:00:00Z' },
      { level: 2, user: { id: 'PUSER02', name: 'Grace Hopper' } },
    ]);
    const answer = await activities.whoIsOnCall({ route: 'payments' });
    expect(answer).toEqual({
      found: true,
      route: 'payments',
      entries: [
        expect.objectContaining({ level: 1, userName: 'Ada Lovelace', userId: 'PUSER01', until: '2099-01-01T00:00:00Z' }),
        expect.objectContaining({ level: 2, userName: 'Grace Hopper', userId: 'PUSER02' }),
      ],
    });
    expect(JSON.stringify(answer)).not.toContain('PPAYMENTS');
    expect(await activities.whoIsOnCall({ route: 'unset-key' })).toEqual({ found: false, reason: 'on-call route unset-key names no escalation policy' });
  });

  it('derives the dedup key from incident and level only, and severity from the ServiceNow priority', () => {
    expect(pageDedupKey('INC0010001', 2)).toBe('opsloop/INC0010001/level-2');
    expect(['1', '2', '3', '4', '5'].map(severityForPriority)).toEqual(['critical', 'error', 'warning', 'info', 'info']);
  });
});
