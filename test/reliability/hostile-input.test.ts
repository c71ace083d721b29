import fc from 'fast-check';
import { serviceNowEventSchema } from '../../src/contracts/schemas/servicenow-event';
import { slashCommandBody } from '../../src/sandbox/slack-requests';
import { temporalAddress } from '../helpers/temporal';
import { check } from './checker';
import { agentBodies, eventBodies, interactionForms, serviceNowBodies, slashForms, startsWork, VALID_EVENT } from './hostile/bodies';
import { mutate, mutations, signed, type Scheme } from './hostile/signing';
import { asBytes, contentTypes } from './hostile/strings';
import type { SandboxSecretName } from '../../src/sandbox/world';
import { startProcessStack, type ProcessStack } from './harness/process-stack';
import { worldOf } from './harness/world';
import { Ledger, type Entry } from './ledger';

const SLACK_LIMIT = 64 * 1024;
const WEBHOOK_LIMIT = 256 * 1024;
const RUNS = 100;

interface Endpoint {
  route: string;
  scheme: Scheme;
  secret: SandboxSecretName;
  contentType: string;
  limit: number;
  /** A harmless body and the answer it gets once authenticated: the control that proves the refusals are about origin. */
  benign: Buffer;
  benignStatus: number;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';
const ENDPOINTS: Endpoint[] = [
  { route: '/slack/commands', scheme: 'slack', secret: 'SLACK_SIGNING_SECRET', contentType: FORM, limit: SLACK_LIMIT, benignStatus: 200, benign: Buffer.from(slashCommandBody({ command: '/ops', text: 'help', userId: 'U0MALLORY', channelId: 'C0INCIDENTS', responseUrl: 'http://127.0.0.1:9/r' })) },
  { route: '/slack/interactions', scheme: 'slack', secret: 'SLACK_SIGNING_SECRET', contentType: FORM, limit: SLACK_LIMIT, benignStatus: 200, benign: Buffer.from(form({ payload: '{"type":"shortcut"}' })) },
  { route: '/slack/events', scheme: 'slack', secret: 'SLACK_SIGNING_SECRET', contentType: 'application/json', limit: SLACK_LIMIT, benignStatus: 200, benign: Buffer.from('{"type":"url_verification","challenge":"c"}') },
  { route: '/webhooks/servicenow', scheme: 'webhook', secret: 'SERVICENOW_WEBHOOK_SECRET', contentType: 'application/json', limit: WEBHOOK_LIMIT, benignStatus: 400, benign: Buffer.from('{}') },
  { route: '/webhooks/agent', scheme: 'webhook', secret: 'AGENT_CALLBACK_SECRET', contentType: 'application/json', limit: WEBHOOK_LIMIT, benignStatus: 400, benign: Buffer.from('{}') },
];
const endpoint = (route: string): Endpoint => ENDPOINTS.find((e) => e.route === route)!;

describe('fault 11: hostile input at every endpoint (property-based)', () => {
  let stack: ProcessStack;
  let ledger: Ledger;
  beforeAll(async () => {
    stack = await startProcessStack({ temporalAddress: temporalAddress() });
    ledger = new Ledger(stack.apiUrl);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const send = (e: Endpoint, headers: Record<string, string>, body: Buffer): Promise<Entry> =>
    ledger.send({ route: e.route, headers, body, effect: { kind: 'none' } });
  const signedSend = (e: Endpoint, body: Buffer, contentType = e.contentType) =>
    send(e, { 'content-type': contentType, ...signed(e.scheme, stack.secrets[e.secret], body) }, body);

  it('refuses with 401 whatever does not prove its origin (signature, timestamp ±301 s, version, headers), and nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), mutations, async (e, m) => {
        const { headers, body } = mutate(e.scheme, stack.secrets[e.secret], e.benign, m);
        const entry = await send(e, { 'content-type': e.contentType, ...headers }, body);
        expect([m, entry.status]).toEqual([m, m.kind === 'fresh' ? e.benignStatus : 401]);
      }),
      { numRuns: 250 },
    );
  });

  it('the property generators are hostile, not merely different: the valid event they break is valid', () => {
    expect(serviceNowEventSchema.safeParse(VALID_EVENT).success).toBe(true);
  });

  const properlySigned: [string, fc.Arbitrary<Buffer>, number[]][] = [
    ['/slack/commands', asBytes(slashForms.filter((f) => !startsWork(f)).map(form)), [200, 400, 415]],
    ['/slack/interactions', asBytes(interactionForms.map(form)), [200, 400, 415]],
    ['/slack/events', asBytes(eventBodies), [200, 400, 415]],
    ['/webhooks/servicenow', asBytes(serviceNowBodies), [400, 415]],
    // 404: findings for an incident OpsLoop has no investigation of.
    ['/webhooks/agent', asBytes(agentBodies), [400, 404, 415]],
  ];
  it.each(properlySigned)('%s: a signed but hostile body (content types, charsets, malformed and invalid UTF-8) gets a 4xx or Slack\'s benign 200', async (route, bodies, allowed) => {
    const e = endpoint(route);
    await fc.assert(
      fc.asyncProperty(bodies, fc.oneof(fc.constant(e.contentType), contentTypes), async (body, contentType) => {
        const entry = await signedSend(e, body, contentType);
        const status = allowed.includes(entry.status) ? 'allowed' : entry.status;
        expect({ contentType, body: body.toString(), status }).toEqual({ contentType, body: body.toString(), status: 'allowed' });
      }),
      { numRuns: RUNS },
    );
  });

  it('answers 413 to a body over the limit, signed or not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), fc.integer({ min: 1, max: 200_000 }), fc.boolean(), async (e, over, sign) => {
        const body = Buffer.alloc(e.limit + over, 'a');
        const entry = sign ? await signedSend(e, body) : await send(e, { 'content-type': e.contentType }, body);
        expect(entry.status).toBe(413);
      }),
      { numRuns: 15 },
    );
  });

  it('answers a signed ssl_check with 200 and changes nothing, as Slack requires', async () => {
    const entry = await signedSend(endpoint('/slack/commands'), Buffer.from(form({ ssl_check: '1', token: 'deprecated-verification-token' })));
    expect(entry.status).toBe(200);
  });

  it('after all of it: no workflow started, no 5xx, no secret in the logs, the API still up', async () => {
    expect(ledger.entries.length).toBeGreaterThan(400);
    const verdict = await check(ledger, worldOf(stack), { noWorkflows: true, settleMs: 0 });
    expect(verdict.violations).toEqual([]);
    expect(stack.api().running()).toBe(true);
    expect((await fetch(`${stack.apiUrl}/healthz`)).status).toBe(200);
  });
});
