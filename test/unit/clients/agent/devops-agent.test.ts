import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import express from 'express';
import { createDevOpsAgentInvestigator, signDevOpsAgentWebhook } from '../../../../src/clients/agent/devops-agent';
import { serve, type Served } from '../../../../src/sandbox/serve';
import { API_KEY, HMAC_SECRET, headerOf, request } from '../../../helpers/agent-fixtures';

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
    expect(investigator.name).toBe('aws-devops-agent-webhook');

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
