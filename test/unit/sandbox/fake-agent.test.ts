import { createDevOpsAgentInvestigator, signDevOpsAgentWebhook } from '../../../src/clients/agent/devops-agent';
import { toGenericWebhookPayload } from '../../../src/clients/agent/investigator';
import { findingsSchema } from '../../../src/contracts/schemas/findings';
import { startFakeAgent, type FakeAgent } from '../../../src/sandbox/fake-agent';
import { verifyWebhook } from '../../../src/signing/webhook-signature';
import { API_KEY, CALLBACK_SECRET, HMAC_SECRET, headerOf, request, sleep, startCallbackReceiver } from '../../helpers/agent-fixtures';

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

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
