import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import express from 'express';
import { verifyWebhook } from '../../../../src/signing/webhook-signature';
import { createDevOpsAgentInvestigator, signDevOpsAgentWebhook } from '../../../../src/clients/agent/devops-agent';
import { toGenericWebhookPayload } from '../../../../src/clients/agent/investigator';
import { HttpError, TimeoutError } from '../../../../src/clients/errors';
import type { FetchFn } from '../../../../src/clients/http';
import { findingsSchema } from '../../../../src/contracts/schemas/findings';
import type { InvestigationRequest } from '../../../../src/contracts/investigation';
import { startFakeAgent, type FakeAgent } from '../../../../src/sandbox/fake-agent';
import { serve, type Served } from '../../../../src/sandbox/serve';

const HMAC_SECRET = 'whsec-sandbox-0123456789';
const API_KEY = 'apikey-sandbox-0123456789';
const CALLBACK_SECRET = 'opsloop-callback-secret';

const request = (overrides: Partial<InvestigationRequest> = {}): InvestigationRequest => ({
  incidentNumber: 'INC0010001',
  sysId: '9d385017c611228701d22104cc95c371',
  title: 'Checkout latency above 2 s',
  description: 'p99 latency of checkout-api rose after the 14:00 deploy',
  priority: '1',
  service: 'checkout-api',
  incidentUrl: 'https://dev.service-now.com/incident.do?sys_id=9d385017c611228701d22104cc95c371',
  action: 'created',
  ...overrides,
});

/**
 * Jest runs tests in their own realm, where undici's abort DOMException is not `instanceof Error`, so http.ts would
 * classify a timeout as NetworkError. Re-raising it as a same-realm Error keeps its name, which is what http.ts reads.
 */
const sameRealmFetch: FetchFn = (url, init) =>
  fetch(url, init).catch((err: unknown) => {
    const { name, message } = err as { name: string; message: string };
    throw Object.assign(new Error(message), { name });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

interface Received {
  headers: IncomingHttpHeaders;
  rawBody: string;
}

/** A bare webhook endpoint that keeps the exact bytes and headers it received. */
async function startRecorder(status = 200): Promise<Served & { received: Received[] }> {
  const received: Received[] = [];
  const app = express();
  app.post('/webhook/generic/test', express.raw({ type: () => true }), (req, res) => {
    received.push({ headers: req.headers, rawBody: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '' });
    res.status(status).json({ message: 'Webhook received' });
  });
  return { ...(await serve(app)), received };
}

interface CallbackReceived {
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
}

/** OpsLoop's side of the agent callback; answers the queued statuses first, then 200. */
async function startCallbackReceiver(statuses: number[] = []): Promise<Served & { received: CallbackReceived[] }> {
  const received: CallbackReceived[] = [];
  const app = express();
  app.post('/webhooks/agent', express.raw({ type: () => true }), (req, res) => {
    received.push({ rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), headers: req.headers });
    res.status(statuses.shift() ?? 200).json({ ok: true });
  });
  return { ...(await serve(app)), received };
}

const headerOf = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

describe('toGenericWebhookPayload', () => {
  const now = new Date('2026-04-21T18:05:10.826Z');

  it('maps the request onto the documented generic webhook fields', () => {
    expect(toGenericWebhookPayload(request(), now)).toEqual({
      eventType: 'incident',
      incidentId: 'INC0010001',
      action: 'created',
      priority: 'CRITICAL',
      title: 'Checkout latency above 2 s',
      description: 'p99 latency of checkout-api rose after the 14:00 deploy',
      timestamp: '2026-04-21T18:05:10.826Z',
      service: 'checkout-api',
      data: {
        sysId: '9d385017c611228701d22104cc95c371',
        incidentUrl: 'https://dev.service-now.com/incident.do?sys_id=9d385017c611228701d22104cc95c371',
        source: 'opsloop',
      },
    });
  });

  it.each([
    ['1', 'CRITICAL'],
    ['2', 'HIGH'],
    ['3', 'MEDIUM'],
    ['4', 'LOW'],
    ['5', 'MINIMAL'],
    ['0', 'MEDIUM'],
    ['', 'MEDIUM'],
    ['1 - Critical', 'MEDIUM'],
  ])('maps ServiceNow priority %p to %s', (priority, expected) => {
    expect(toGenericWebhookPayload(request({ priority }), now).priority).toBe(expected);
  });

  it('leaves out the optional service and incident URL when unknown', () => {
    const payload = toGenericWebhookPayload(request({ service: undefined, incidentUrl: undefined, action: 'resolved' }), now);
    expect(payload).not.toHaveProperty('service');
    expect(payload.data).toEqual({ sysId: '9d385017c611228701d22104cc95c371', source: 'opsloop' });
    expect(payload.action).toBe('resolved');
  });
});

describe('createDevOpsAgentInvestigator', () => {
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  beforeEach(async () => {
    recorder = await startRecorder();
  });
  afterEach(() => recorder.close());

  it('signs the exact body it sends, with a fresh timestamp and signature on every call (HMAC)', async () => {
    let clock = Date.parse('2026-04-21T18:05:10.000Z');
    const investigator = createDevOpsAgentInvestigator({
      webhookUrl: `${recorder.url}/webhook/generic/test`,
      secret: HMAC_SECRET,
      auth: 'hmac',
      timeoutMs: 2_000,
      now: () => new Date((clock += 1_000)),
    });
    expect(investigator.name).toBe('aws-devops-agent');

    await investigator.requestInvestigation(request());
    await investigator.requestInvestigation(request());

    expect(recorder.received).toHaveLength(2);
    for (const { headers, rawBody } of recorder.received) {
      const ts = headerOf(headers, 'x-amzn-event-timestamp');
      expect(ts).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      const independent = createHmac('sha256', HMAC_SECRET).update(`${String(ts)}:${rawBody}`).digest('base64');
      expect(headerOf(headers, 'x-amzn-event-signature')).toBe(independent);
      expect(headers['content-type']).toMatch(/^application\/json/);
      expect(headers.authorization).toBeUndefined();
      const body = JSON.parse(rawBody) as { timestamp: string; incidentId: string };
      expect(body.timestamp).toBe(ts);
      expect(body.incidentId).toBe('INC0010001');
    }
    const [first, second] = recorder.received as [Received, Received];
    expect(headerOf(first.headers, 'x-amzn-event-timestamp')).not.toBe(headerOf(second.headers, 'x-amzn-event-timestamp'));
    expect(headerOf(first.headers, 'x-amzn-event-signature')).not.toBe(headerOf(second.headers, 'x-amzn-event-signature'));
  });

  it('exports the signer used on the wire', () => {
    const ts = '2026-04-21T18:05:10.826Z';
    const body = '{"eventType":"incident"}';
    expect(signDevOpsAgentWebhook(HMAC_SECRET, ts, body)).toBe(createHmac('sha256', HMAC_SECRET).update(`${ts}:${body}`).digest('base64'));
  });

  it('sends the API key as a bearer token and no signature (API key)', async () => {
    const investigator = createDevOpsAgentInvestigator({ webhookUrl: `${recorder.url}/webhook/generic/test`, secret: API_KEY, auth: 'apikey', timeoutMs: 2_000 });
    await investigator.requestInvestigation(request());
    const [only] = recorder.received;
    expect(only?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(only?.headers['x-amzn-event-signature']).toBeUndefined();
    expect(JSON.parse(only?.rawBody ?? '')).toMatchObject({ eventType: 'incident', incidentId: 'INC0010001' });
  });

  it('treats any 2xx as accepted', async () => {
    const accepted = await startRecorder(202);
    try {
      const investigator = createDevOpsAgentInvestigator({ webhookUrl: `${accepted.url}/webhook/generic/test`, secret: HMAC_SECRET, auth: 'hmac', timeoutMs: 2_000 });
      await expect(investigator.requestInvestigation(request())).resolves.toBeUndefined();
    } finally {
      await accepted.close();
    }
  });

  it('refuses an unusable URL or API key without echoing either', () => {
    const attempt = (webhookUrl: string, secret: string) => () =>
      createDevOpsAgentInvestigator({ webhookUrl, secret, auth: 'apikey', timeoutMs: 1_000 });
    expect(attempt('not a url/webhook-id-123', API_KEY)).toThrow(/not a valid URL/);
    expect(attempt('not a url/webhook-id-123', API_KEY)).not.toThrow(/webhook-id-123/);
    expect(attempt(`${recorder.url}/webhook/generic/test`, 'key\nwith-newline')).toThrow(/characters not allowed/);
    expect(attempt(`${recorder.url}/webhook/generic/test`, 'key\nwith-newline')).not.toThrow(/with-newline/);
  });
});

describe('DevOps Agent webhook errors', () => {
  let agent: FakeAgent;
  let callbacks: Awaited<ReturnType<typeof startCallbackReceiver>>;
  beforeEach(async () => {
    callbacks = await startCallbackReceiver();
    agent = await startFakeAgent({ secret: HMAC_SECRET, auth: 'hmac', callback: { url: callbacks.url, secret: CALLBACK_SECRET }, delayMs: 10 });
  });
  afterEach(async () => {
    await agent.close();
    await callbacks.close();
  });
  const investigator = (overrides: { secret?: string; timeoutMs?: number } = {}) =>
    createDevOpsAgentInvestigator({ webhookUrl: agent.url, secret: overrides.secret ?? HMAC_SECRET, auth: 'hmac', timeoutMs: overrides.timeoutMs ?? 2_000 });

  it('maps 401 to HttpError 401 without the secret or webhook id in the message', async () => {
    const err = await rejectionOf(investigator({ secret: 'wrong-secret' }).requestInvestigation(request()));
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(401);
    expect((err as HttpError).target).toBe('DevOps Agent webhook');
    expect((err as HttpError).message).not.toMatch(/wrong-secret|sandbox|127\.0\.0\.1/);
  });

  it('maps 503 with Retry-After to HttpError with retryAfterMs', async () => {
    agent.faults.add('webhook', { status: 503, retryAfterSeconds: 2 });
    const err = await rejectionOf(investigator().requestInvestigation(request()));
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 503, retryAfterMs: 2000 });
  });

  it('maps a webhook that never answers to TimeoutError', async () => {
    agent.faults.add('webhook', { hang: true });
    const hanging = createDevOpsAgentInvestigator({ webhookUrl: agent.url, secret: HMAC_SECRET, auth: 'hmac', timeoutMs: 150, fetch: sameRealmFetch });
    const err = await rejectionOf(hanging.requestInvestigation(request()));
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).message).toBe('DevOps Agent webhook timed out after 150 ms');
  });
});

describe('startFakeAgent', () => {
  let agent: FakeAgent;
  let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;
  const start = async (options: { auth?: 'hmac' | 'apikey'; statuses?: number[] } = {}) => {
    receiver = await startCallbackReceiver(options.statuses);
    const auth = options.auth ?? 'hmac';
    agent = await startFakeAgent({
      secret: auth === 'hmac' ? HMAC_SECRET : API_KEY,
      auth,
      callback: { url: receiver.url, secret: CALLBACK_SECRET },
      delayMs: 10,
    });
  };
  afterEach(async () => {
    await agent.close();
    await receiver.close();
  });
  const post = (headers: Record<string, string>, body: string) =>
    fetch(agent.url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  const payload = (now: Date) => JSON.stringify(toGenericWebhookPayload(request(), now));

  it('rejects a forged signature with 401 and never calls back', async () => {
    await start();
    const ts = new Date().toISOString();
    const body = payload(new Date());
    const response = await post({ 'x-amzn-event-timestamp': ts, 'x-amzn-event-signature': signDevOpsAgentWebhook('forged', ts, body) }, body);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(agent.triggers).toEqual([expect.objectContaining({ verified: false, reason: 'signature mismatch', rawBody: body })]);
    await sleep(200);
    expect(agent.callbacks).toHaveLength(0);
    expect(receiver.received).toHaveLength(0);
  });

  it('rejects a stale or unparsable timestamp', async () => {
    await start();
    const stale = createDevOpsAgentInvestigator({
      webhookUrl: agent.url,
      secret: HMAC_SECRET,
      auth: 'hmac',
      timeoutMs: 2_000,
      now: () => new Date(Date.now() - 6 * 60_000),
    });
    await expect(stale.requestInvestigation(request())).rejects.toMatchObject({ status: 401 });

    const ts = 'yesterday';
    const body = payload(new Date());
    const response = await post({ 'x-amzn-event-timestamp': ts, 'x-amzn-event-signature': signDevOpsAgentWebhook(HMAC_SECRET, ts, body) }, body);
    expect(response.status).toBe(401);
    expect(agent.triggers.map((t) => t.reason)).toEqual(['stale x-amzn-event-timestamp (older than 5 minutes)', 'unparsable x-amzn-event-timestamp']);
    await sleep(100);
    expect(receiver.received).toHaveLength(0);
  });

  it('accepts a good trigger and delivers OpsLoop-signed findings', async () => {
    await start();
    const investigator = createDevOpsAgentInvestigator({ webhookUrl: agent.url, secret: HMAC_SECRET, auth: 'hmac', timeoutMs: 2_000 });
    await investigator.requestInvestigation(request());
    expect(agent.triggers).toEqual([expect.objectContaining({ verified: true })]);

    const callback = await waitFor(() => receiver.received[0], 'the findings callback');
    expect(() =>
      verifyWebhook({
        secrets: [CALLBACK_SECRET],
        rawBody: callback.rawBody,
        timestamp: headerOf(callback.headers, 'x-opsloop-timestamp'),
        signature: headerOf(callback.headers, 'x-opsloop-signature'),
        authorization: undefined,
        nowMs: Date.now(),
      }),
    ).not.toThrow();
    const findings = findingsSchema.parse(JSON.parse(callback.rawBody.toString('utf8')));
    expect(findings).toMatchObject({ incidentNumber: 'INC0010001', status: 'completed', source: 'sandbox-agent' });
    expect(findings.rootCause).toMatch(/^Connection pool saturation after deploy/);
    expect(findings.rootCause).toContain('checkout-api');
    expect(findings.summary).toContain('## Investigation summary: INC0010001');
    expect(findings.recommendation).toBeTruthy();
    await waitFor(() => agent.callbacks[0], 'the recorded callback');
    expect(agent.callbacks).toEqual([expect.objectContaining({ status: 200, body: findings })]);
  });

  it('answers the documented acceptance body', async () => {
    await start();
    const ts = new Date().toISOString();
    const body = payload(new Date());
    const response = await post({ 'x-amzn-event-timestamp': ts, 'x-amzn-event-signature': signDevOpsAgentWebhook(HMAC_SECRET, ts, body) }, body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: 'Webhook received' });
  });

  it('verifies a bearer API key in apikey mode', async () => {
    await start({ auth: 'apikey' });
    const make = (secret: string) => createDevOpsAgentInvestigator({ webhookUrl: agent.url, secret, auth: 'apikey', timeoutMs: 2_000 });
    await expect(make('not-the-key').requestInvestigation(request())).rejects.toMatchObject({ status: 401 });
    await make(API_KEY).requestInvestigation(request());
    expect(agent.triggers.map((t) => t.verified)).toEqual([false, true]);
    await waitFor(() => receiver.received[0], 'the findings callback');
  });

  it('accepts but never answers incidents in silentFor', async () => {
    await start();
    agent.silentFor.add('INC0010001');
    const investigator = createDevOpsAgentInvestigator({ webhookUrl: agent.url, secret: HMAC_SECRET, auth: 'hmac', timeoutMs: 2_000 });
    await investigator.requestInvestigation(request());
    await investigator.requestInvestigation(request({ incidentNumber: 'INC0010002' }));
    const answered = await waitFor(() => receiver.received[0], 'the other incident callback');
    await sleep(200);
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(answered.rawBody.toString('utf8'))).toMatchObject({ incidentNumber: 'INC0010002' });
  });

  it('retries the callback when the receiver first answers 503, re-signing each attempt', async () => {
    await start({ statuses: [503] });
    const investigator = createDevOpsAgentInvestigator({ webhookUrl: agent.url, secret: HMAC_SECRET, auth: 'hmac', timeoutMs: 2_000 });
    await investigator.requestInvestigation(request());
    await waitFor(() => agent.callbacks[1], 'the retried callback');
    expect(agent.callbacks.map((c) => c.status)).toEqual([503, 200]);
    const [first, second] = agent.callbacks.map((c) => c.at) as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(450);
    for (const attempt of receiver.received) {
      expect(
        verifyWebhook({
          secrets: [CALLBACK_SECRET],
          rawBody: attempt.rawBody,
          timestamp: headerOf(attempt.headers, 'x-opsloop-timestamp'),
          signature: headerOf(attempt.headers, 'x-opsloop-signature'),
          authorization: undefined,
          nowMs: Date.now(),
        }),
      ).toBe('hmac');
    }
  });

  it('gives up after five retries', async () => {
    await start({ statuses: [500, 500, 500, 500, 500, 500, 500] });
    const investigator = createDevOpsAgentInvestigator({ webhookUrl: agent.url, secret: HMAC_SECRET, auth: 'hmac', timeoutMs: 2_000 });
    await investigator.requestInvestigation(request());
    await waitFor(() => agent.callbacks[5], 'the sixth attempt');
    await sleep(700);
    expect(agent.callbacks.map((c) => c.status)).toEqual([500, 500, 500, 500, 500, 500]);
  });

  it('records a 429 fault on the webhook and the trigger that caused it', async () => {
    await start();
    agent.faults.add('webhook', { status: 429, retryAfterSeconds: 1 });
    const investigator = createDevOpsAgentInvestigator({ webhookUrl: agent.url, secret: HMAC_SECRET, auth: 'hmac', timeoutMs: 2_000 });
    await expect(investigator.requestInvestigation(request())).rejects.toMatchObject({ status: 429, retryAfterMs: 1000 });
    expect(agent.triggers).toHaveLength(1);
    await sleep(100);
    expect(receiver.received).toHaveLength(0);
  });
});
