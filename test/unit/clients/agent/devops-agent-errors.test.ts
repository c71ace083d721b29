import { createDevOpsAgentInvestigator } from '../../../../src/clients/agent/devops-agent';
import { HttpError, TimeoutError } from '../../../../src/clients/errors';
import type { FetchFn } from '../../../../src/clients/http';
import type { FakeAgent } from '../../../../src/sandbox/fake-agent';
import { HMAC_SECRET, request, startTestAgent } from '../../../helpers/agent-fixtures';

/**
 * Jest runs tests in their own realm, where undici's abort DOMException is not `instanceof Error`, so http.ts would
 * classify a timeout as NetworkError. Re-raising it as a same-realm Error keeps its name, which is what http.ts reads.
 */
const sameRealmFetch: FetchFn = (url, init) =>
  fetch(url, init).catch((err: unknown) => {
    const { name, message } = err as { name: string; message: string };
    throw Object.assign(new Error(message), { name });
  });

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('DevOps Agent webhook errors', () => {
  let agent: FakeAgent;
  beforeEach(async () => {
    agent = await startTestAgent({ webhook: { secret: HMAC_SECRET, auth: 'hmac' } });
  });
  afterEach(async () => {
    await agent.close();
  });
  const investigator = (overrides: { secret?: string; timeoutMs?: number } = {}) =>
    createDevOpsAgentInvestigator({ webhookUrl: agent.webhookUrl, secret: overrides.secret ?? HMAC_SECRET, auth: 'hmac', timeoutMs: overrides.timeoutMs ?? 2_000 });

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
    const hanging = createDevOpsAgentInvestigator({ webhookUrl: agent.webhookUrl, secret: HMAC_SECRET, auth: 'hmac', timeoutMs: 150, fetch: sameRealmFetch });
    const err = await rejectionOf(hanging.requestInvestigation(request()));
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).message).toBe('DevOps Agent webhook timed out after 150 ms');
  });
});
