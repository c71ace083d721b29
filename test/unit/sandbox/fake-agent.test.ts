import { createDevOpsAgentInvestigator, signDevOpsAgentWebhook } from '../../../src/clients/agent/devops-agent';
import { toGenericWebhookPayload } from '../../../src/clients/agent/investigator';
import type { FakeAgent } from '../../../src/sandbox/fake-agent';
import { API_KEY, HMAC_SECRET, request, sleep, startTestAgent } from '../../helpers/agent-fixtures';

describe('the sandbox agent: its generic webhook', () => {
  let agent: FakeAgent;
  const start = async (auth: 'hmac' | 'apikey' = 'hmac') => {
    agent = await startTestAgent({ webhook: { secret: auth === 'hmac' ? HMAC_SECRET : API_KEY, auth } });
  };
  afterEach(async () => {
    await agent.close();
  });
  const post = (headers: Record<string, string>, body: string) =>
    fetch(agent.webhookUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  const payload = (now: Date) => JSON.stringify(toGenericWebhookPayload(request(), now));
  const investigator = (secret = HMAC_SECRET, auth: 'hmac' | 'apikey' = 'hmac') =>
    createDevOpsAgentInvestigator({ webhookUrl: agent.webhookUrl, secret, auth, timeoutMs: 2_000 });

  it('rejects a forged signature with 401', async () => {
    await start();
    const ts = new Date().toISOString();
    const body = payload(new Date());
    const response = await post({ 'x-amzn-event-timestamp': ts, 'x-amzn-event-signature': signDevOpsAgentWebhook('forged', ts, body) }, body);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(agent.triggers).toEqual([expect.objectContaining({ verified: false, reason: 'signature mismatch', rawBody: body })]);
  });

  it('rejects a stale or unparsable timestamp', async () => {
    await start();
    const stale = createDevOpsAgentInvestigator({ webhookUrl: agent.webhookUrl, secret: HMAC_SECRET, auth: 'hmac', timeoutMs: 2_000, now: () => new Date(Date.now() - 6 * 60_000) });
    await expect(stale.requestInvestigation(request())).rejects.toMatchObject({ status: 401 });
    const body = payload(new Date());
    const response = await post({ 'x-amzn-event-timestamp': 'yesterday', 'x-amzn-event-signature': signDevOpsAgentWebhook(HMAC_SECRET, 'yesterday', body) }, body);
    expect(response.status).toBe(401);
    expect(agent.triggers.map((t) => t.reason)).toEqual(['stale x-amzn-event-timestamp (older than 5 minutes)', 'unparsable x-amzn-event-timestamp']);
  });

  it('answers a good trigger with the documented acceptance body, and never calls anyone back', async () => {
    await start();
    const ts = new Date().toISOString();
    const body = payload(new Date());
    const response = await post({ 'x-amzn-event-timestamp': ts, 'x-amzn-event-signature': signDevOpsAgentWebhook(HMAC_SECRET, ts, body) }, body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: 'Webhook received' });
    expect(agent.triggers).toEqual([expect.objectContaining({ verified: true })]);
    await sleep(100);
    // The real generic webhook has no findings callback and returns no task id: nothing comes back this way.
    expect(agent.events.deliveries).toEqual([]);
  });

  it('verifies a bearer API key in apikey mode', async () => {
    await start('apikey');
    await expect(investigator('not-the-key', 'apikey').requestInvestigation(request())).rejects.toMatchObject({ status: 401 });
    await investigator(API_KEY, 'apikey').requestInvestigation(request());
    expect(agent.triggers.map((t) => t.verified)).toEqual([false, true]);
  });

  it('records a 429 fault on the webhook and the trigger that caused it', async () => {
    await start();
    agent.faults.add('webhook', { status: 429, retryAfterSeconds: 1 });
    await expect(investigator().requestInvestigation(request())).rejects.toMatchObject({ status: 429, retryAfterMs: 1000 });
    expect(agent.triggers).toHaveLength(1);
  });

  it('refuses every trigger when the space has no generic webhook', async () => {
    agent = await startTestAgent();
    await expect(investigator().requestInvestigation(request())).rejects.toMatchObject({ status: 401 });
    expect(agent.triggers).toEqual([expect.objectContaining({ verified: false, reason: 'no generic webhook is configured on this agent space' })]);
  });
});
