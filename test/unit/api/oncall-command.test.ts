import { randomBytes } from 'node:crypto';
import { createApp, type AppDeps } from '../../../src/api/app';
import type { WorkflowGateway } from '../../../src/api/workflow-gateway';
import { parseCommandText, usageText } from '../../../src/api/slack/command-text';
import type { AuditStore } from '../../../src/audit/audit-store';
import { createOnCallProvider, type ResolveOnCall } from '../../../src/clients/oncall/on-call-provider';
import type { AuditEvent } from '../../../src/contracts/audit';
import { createLogger } from '../../../src/log';
import { createPolicyStore } from '../../../src/policy/policy-store';
import { policySchema, type Policy } from '../../../src/policy/schema';
import { startFakePagerDuty, type FakePagerDuty } from '../../../src/sandbox/fake-pagerduty';
import { serve, type Served } from '../../../src/sandbox/serve';
import { sendSlashCommand } from '../../../src/sandbox/slack-requests';
import { testPolicy } from '../../helpers/test-policy';

const SIGNING_SECRET = 'oncall-test-signing-secret';
const TOKEN = `rest-${randomBytes(12).toString('hex')}`;

const resolveOnCall: ResolveOnCall = (route) =>
  ({ payments: { routingKey: '${PD_PAYMENTS_KEY}', escalationPolicyId: 'PPAYMENTS' }, search: { routingKey: '${PD_SEARCH_KEY}' } })[route];

describe('/ops oncall [route]', () => {
  describe('parsing', () => {
    it.each([
      ['oncall', { kind: 'oncall' }],
      ['oncall payments', { kind: 'oncall', route: 'payments' }],
      ['ONCALL Payments-EU', { kind: 'oncall', route: 'Payments-EU' }],
      ['oncall payments extra', { kind: 'invalid', problem: '`/ops oncall` takes at most one route name.' }],
      ['oncall <!channel>', { kind: 'invalid', problem: expect.stringContaining('is not a route name') }],
    ])('%s', (text, expected) => {
      expect(parseCommandText('/ops', text)).toEqual(expected);
    });

    it('is listed in the usage', () => {
      expect(usageText(['oncall'])).toContain('`/ops oncall [route]`');
    });
  });

  it('keeps policy files written before it valid, as a viewer command', () => {
    const commands: Partial<Policy['commands']> = { ...testPolicy().commands };
    delete commands.oncall;
    const parsed = policySchema.parse({ ...testPolicy(), commands });
    expect(parsed.commands.oncall).toBe('viewer');
  });

  describe('through the API app, signed as Slack signs it', () => {
    let pd: FakePagerDuty;
    let api: Served | undefined;
    const gatewayCalls: string[] = [];
    const audited: AuditEvent[] = [];

    beforeEach(async () => {
      pd = await startFakePagerDuty({ apiTokens: [TOKEN] });
      pd.onCalls.set('PPAYMENTS', [
        { level: 1, user: { id: 'PUSER01', name: 'Ada Lovelace' }, start: '2020-01-01T00:00:00Z', end: '2099-01-01T09:00:00Z' },
        { level: 1, user: { id: 'PUSER03', name: 'Alan <!channel> Turing' }, start: '2020-01-01T00:00:00Z', end: '2099-01-01T09:00:00Z' },
        { level: 2, user: { id: 'PUSER02', name: 'Grace Hopper' } },
      ]);
      gatewayCalls.length = 0;
      audited.length = 0;
    });
    afterEach(async () => {
      await api?.close();
      api = undefined;
      await pd.close();
    });

    async function startApi(onCall: AppDeps['onCall'], policy: Policy = testPolicy()): Promise<Served> {
      const gateway = new Proxy({} as WorkflowGateway, {
        get: (_t, prop) => (typeof prop === 'symbol' || prop === 'then' ? undefined : () => (gatewayCalls.push(String(prop)), Promise.reject(new Error('not here')))),
      });
      const audit: AuditStore = { append: (e) => Promise.resolve(void audited.push(e)), list: () => Promise.resolve(audited), close: () => Promise.resolve() };
      const app = createApp({
        gateway,
        policy: createPolicyStore({ policy }),
        audit,
        groupsOf: () => Promise.resolve([]),
        respond: () => Promise.resolve(),
        slackSigningSecrets: [SIGNING_SECRET],
        serviceNowWebhookSecrets: ['oncall-test-servicenow-secret'],
        agentCallbackSecrets: [],
        logger: createLogger({ level: 'silent' }),
        ...(onCall ? { onCall } : {}),
      });
      api = await serve(app);
      return api;
    }

    const ask = async (served: Served, text: string, channelId = 'C0INCIDENTS') => {
      const { status, body } = await sendSlashCommand(served.url, SIGNING_SECRET, { command: '/ops', text, userId: 'U0VIEWER', channelId, responseUrl: 'https://hooks.slack.example/commands/1' });
      expect(status).toBe(200);
      return (body as { text: string; response_type: string }).text;
    };

    const provider = () => createOnCallProvider({ eventsUrl: pd.url, apiUrl: pd.url, apiToken: TOKEN, timeoutMs: 3000 });

    it('names who is on call per level, with their PagerDuty pages, and touches no workflow', async () => {
      const served = await startApi({ provider: provider(), resolveOnCall, routeNames: () => ['payments', 'search'] });
      const text = await ask(served, 'oncall payments');
      expect(text.split('\n')).toEqual([
        '*On call for `payments`*',
        expect.stringMatching(/^Level 1: <https:\/\/sandbox\.pagerduty\.invalid\/users\/PUSER01\|Ada Lovelace> until <!date\^4070941200\^.*>, <https:\/\/sandbox\.pagerduty\.invalid\/users\/PUSER03\|Alan &lt;!channel&gt; Turing> until/),
        'Level 2: <https://sandbox.pagerduty.invalid/users/PUSER02|Grace Hopper>',
      ]);
      expect(new URLSearchParams(pd.restCalls[0]?.query).getAll('escalation_policy_ids[]')).toEqual(['PPAYMENTS']);
      expect(gatewayCalls).toEqual([]);
    });

    it('asks which route when there are several, and names the routes when one is unknown', async () => {
      const served = await startApi({ provider: provider(), resolveOnCall, routeNames: () => ['payments', 'search'] });
      expect(await ask(served, 'oncall')).toBe('Which route? `/ops oncall <route>`, one of `payments`, `search`.');
      expect(await ask(served, 'oncall billing')).toBe('There is no on-call route `billing`. Routes: `payments`, `search`.');
      expect(await ask(served, 'oncall search')).toContain('names no escalation policy');
      expect(pd.restCalls).toEqual([]);
    });

    it('uses the only route when none is named', async () => {
      const served = await startApi({ provider: provider(), resolveOnCall, routeNames: () => ['payments'] });
      expect(await ask(served, 'oncall')).toContain('*On call for `payments`*');
    });

    it('says how to configure the REST key when PAGERDUTY_API_TOKEN is missing', async () => {
      const served = await startApi({ provider: createOnCallProvider({ eventsUrl: pd.url, apiUrl: pd.url, timeoutMs: 3000 }), resolveOnCall });
      expect(await ask(served, 'oncall payments')).toContain('set PAGERDUTY_API_TOKEN');
      expect(pd.restCalls).toEqual([]);
    });

    it('says that no on-call provider is configured, or no routes', async () => {
      expect(await ask(await startApi(undefined), 'oncall payments')).toBe('No on-call provider is configured for OpsLoop, so it cannot tell who is on call.');
      await api?.close();
      expect(await ask(await startApi({ provider: provider() }), 'oncall payments')).toContain('No on-call routes are configured yet');
    });

    it("passes on PagerDuty's refusal without the token, and a throttled read as try again", async () => {
      const served = await startApi({ provider: createOnCallProvider({ eventsUrl: pd.url, apiUrl: pd.url, apiToken: 'revoked-key-0123456789', timeoutMs: 3000 }), resolveOnCall });
      const refused = await ask(served, 'oncall payments');
      expect(refused).toContain('PagerDuty did not accept the credentials (401): Authentication failed');
      expect(refused).not.toContain('revoked-key-0123456789');
      pd.apiTokens.add('revoked-key-0123456789');
      pd.faults.add('oncalls', { status: 429, retryAfterSeconds: 1 });
      expect(await ask(served, 'oncall payments')).toBe(':warning: PagerDuty could not answer (429); try again in a moment.');
    });

    it("answers within Slack's 3 s when PagerDuty does not answer", async () => {
      const served = await startApi({ provider: createOnCallProvider({ eventsUrl: pd.url, apiUrl: pd.url, apiToken: TOKEN, timeoutMs: 10_000 }), resolveOnCall });
      pd.faults.add('oncalls', { hang: true });
      const started = Date.now();
      expect(await ask(served, 'oncall payments')).toBe(':warning: PagerDuty did not answer in time; try again in a moment.');
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it('is refused, audited and unsent where the policy does not allow it', async () => {
      const policy = testPolicy({ channels: [{ id: 'C0INCIDENTS', commands: ['status'] }] });
      const served = await startApi({ provider: provider(), resolveOnCall }, policy);
      expect(await ask(served, 'oncall payments')).toContain(':no_entry: Not allowed');
      expect(audited).toEqual([expect.objectContaining({ action: 'oncall', result: expect.stringMatching(/refused|denied/) })]);
      expect(pd.restCalls).toEqual([]);
    });
  });
});
