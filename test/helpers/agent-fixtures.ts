import type { IncomingHttpHeaders } from 'node:http';
import express from 'express';
import type { InvestigationRequest } from '../../src/contracts/investigation';
import { startFakeAgent, type FakeAgentOptions } from '../../src/sandbox/fake-agent';
import { serve, type Served } from '../../src/sandbox/serve';

/** Secrets of the agent tests: the webhook's HMAC secret, its API key, and what OpsLoop's callback route checks. */
export const HMAC_SECRET = 'whsec-sandbox-0123456789';
export const API_KEY = 'apikey-sandbox-0123456789';
export const CALLBACK_SECRET = 'opsloop-callback-secret';

/** An investigation request for INC0010001, as the worker sends it. */
export const request = (overrides: Partial<InvestigationRequest> = {}): InvestigationRequest => ({
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

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface CallbackReceived {
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
}

/** OpsLoop's side of the agent callback; answers the queued statuses first, then 200. */
export async function startCallbackReceiver(statuses: number[] = []): Promise<Served & { received: CallbackReceived[] }> {
  const received: CallbackReceived[] = [];
  const app = express();
  app.post('/webhooks/agent', express.raw({ type: () => true }), (req, res) => {
    received.push({ rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), headers: req.headers });
    res.status(statuses.shift() ?? 200).json({ ok: true });
  });
  return { ...(await serve(app)), received };
}

export const headerOf = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The test Agent Space and the IAM user's keys the tests sign with. */
export const TEST_SPACE = { agentSpaceId: 'space-test', associationId: 'assoc-servicenow', region: 'us-east-1' } as const;
export const TEST_CREDENTIALS = { accessKeyId: 'AKIATESTOPSLOOP00001', secretAccessKey: 'test-secret-access-key-0123456789abcdef' };

/** A sandbox agent for tests: its data-plane API (and, when given, its generic webhook). */
export const startTestAgent = (options: Partial<FakeAgentOptions> = {}) => startFakeAgent({ ...TEST_SPACE, credentials: TEST_CREDENTIALS, delayMs: 10, ...options });
