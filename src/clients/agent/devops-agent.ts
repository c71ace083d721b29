import { createHmac } from 'node:crypto';
import type { InvestigationRequest } from '../../contracts/investigation';
import { fetchJson, type FetchFn } from '../http';
import { toGenericWebhookPayload, type CallbackInvestigator } from './investigator';

export interface DevOpsAgentInvestigatorConfig {
  /** The Agent Space's generic webhook URL, https://event-ai.{region}.api.aws/webhook/generic/{webhookId}. */
  webhookUrl: string;
  /** The HMAC secret or the API key shown once when the webhook was generated. */
  secret: string;
  auth: 'hmac' | 'apikey';
  timeoutMs: number;
  fetch?: FetchFn;
  /** For tests; every trigger reads it once. */
  now?: () => Date;
}

const TARGET = 'DevOps Agent webhook';
const HTTP_HEADER_VALUE = /^[\x21-\x7e]+$/;

/** HMAC "Version 1": base64 HMAC-SHA256 over `${timestamp}:${body}`, keyed with the secret as-is (not base64-decoded). */
export function signDevOpsAgentWebhook(secret: string, timestampIso: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestampIso}:${body}`, 'utf8').digest('base64');
}

/**
 * fetch echoes an unparsable URL or an invalid header value in its error message; checking up front keeps the
 * webhook id and the key out of errors and logs.
 */
function assertUsable(cfg: DevOpsAgentInvestigatorConfig): void {
  let url: URL;
  try {
    url = new URL(cfg.webhookUrl);
  } catch {
    throw new Error(`${TARGET}: the webhook URL is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${TARGET}: the webhook URL must be http(s)`);
  if (!cfg.secret) throw new Error(`${TARGET}: the ${cfg.auth === 'hmac' ? 'HMAC secret' : 'API key'} is empty`);
  if (cfg.auth === 'apikey' && !HTTP_HEADER_VALUE.test(cfg.secret)) {
    throw new Error(`${TARGET}: the API key contains characters not allowed in an HTTP header`);
  }
}

/** Triggers AWS DevOps Agent investigations through an Agent Space generic webhook; any 2xx means "queued". */
export function createDevOpsAgentInvestigator(cfg: DevOpsAgentInvestigatorConfig): CallbackInvestigator {
  assertUsable(cfg);
  const doFetch = cfg.fetch ?? fetch;
  const now = cfg.now ?? (() => new Date());

  const authHeaders = (timestamp: string, body: string): Record<string, string> =>
    cfg.auth === 'hmac'
      ? { 'x-amzn-event-timestamp': timestamp, 'x-amzn-event-signature': signDevOpsAgentWebhook(cfg.secret, timestamp, body) }
      : { 'x-amzn-event-timestamp': timestamp, Authorization: `Bearer ${cfg.secret}` };

  return {
    name: 'aws-devops-agent-webhook',
    mode: 'callback',
    async requestInvestigation(request: InvestigationRequest): Promise<void> {
      // A fresh timestamp per call: the agent rejects stale signatures and deduplicates repeated payloads.
      const at = now();
      const body = JSON.stringify(toGenericWebhookPayload(request, at));
      await fetchJson({
        target: TARGET,
        url: cfg.webhookUrl,
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...authHeaders(at.toISOString(), body) },
        timeoutMs: cfg.timeoutMs,
        // fetchJson would serialise an object body itself; handing fetch the signed string guarantees the bytes
        // sent are exactly the bytes signed.
        fetch: (url, init) => doFetch(url, { ...init, body }),
      });
    },
  };
}
