import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { AgentApiError, NetworkError, TimeoutError, UnexpectedResponseError } from '../errors';
import type { FetchFn } from '../http';
import { parseRetryAfter } from '../retry-after';
import {
  createBacklogTaskResponseSchema,
  getBacklogTaskResponseSchema,
  listExecutionsResponseSchema,
  listJournalRecordsResponseSchema,
  type AgentTask,
  type CreateBacklogTaskInput,
  type Execution,
  type JournalRecord,
} from './devops-agent-shapes';

/** The SigV4 signing name of the AWS DevOps Agent API (IAM prefix `aidevops:`). */
export const DEVOPS_AGENT_SIGNING_NAME = 'aidevops';

/** Data-plane operations are served under the `dp.` host prefix of the regional endpoint. */
export const defaultDevOpsAgentEndpoint = (region: string): string => `https://dp.aidevops.${region}.api.aws`;

export interface DevOpsAgentApiConfig {
  /** Used as given: no host prefix is added to an override. */
  endpoint: string;
  region: string;
  agentSpaceId: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  timeoutMs: number;
  fetch?: FetchFn;
}

/** The four data-plane calls an investigation needs, signed with SigV4 by AWS's own signer. */
export interface DevOpsAgentApi {
  createBacklogTask(input: CreateBacklogTaskInput): Promise<AgentTask>;
  getBacklogTask(taskId: string): Promise<AgentTask>;
  listExecutions(taskId: string): Promise<Execution[]>;
  listJournalRecords(executionId: string, recordType: string): Promise<JournalRecord[]>;
}

interface Call {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

/** Reads the modelled error name from `x-amzn-errortype` (which may carry a `:namespace` suffix) or the body. */
function errorCodeOf(headers: Headers, body: Record<string, unknown>): string {
  const fromHeader = headers.get('x-amzn-errortype')?.split(':')[0];
  const fromBody = typeof body.__type === 'string' ? body.__type.split('#').pop() : typeof body.code === 'string' ? body.code : undefined;
  return fromHeader || fromBody || 'UnknownError';
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const pathPart = (value: string): string => encodeURIComponent(value);

export function createDevOpsAgentApi(cfg: DevOpsAgentApiConfig): DevOpsAgentApi {
  const base = new URL(cfg.endpoint);
  const signer = new SignatureV4({ service: DEVOPS_AGENT_SIGNING_NAME, region: cfg.region, credentials: cfg.credentials, sha256: Sha256 });
  const doFetch = cfg.fetch ?? fetch;
  const space = pathPart(cfg.agentSpaceId);
  const basePath = base.pathname.replace(/\/+$/, '');

  async function send(call: Call): Promise<unknown> {
    const target = `AWS DevOps Agent ${call.operation}`;
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const request = new HttpRequest({
      method: call.method,
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port ? Number(base.port) : undefined,
      path: `${basePath}${call.path}`,
      headers: { host: base.host, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body,
    });
    const signed = await signer.sign(request);
    let response: Response;
    try {
      response = await doFetch(`${base.origin}${signed.path}`, {
        method: signed.method,
        headers: Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host')),
        body,
        signal: AbortSignal.timeout(cfg.timeoutMs),
      });
    } catch (err) {
      const name = (err as { name?: unknown } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new TimeoutError(`${target} timed out after ${cfg.timeoutMs} ms`, target, { cause: err });
      throw new NetworkError(`${target} failed: ${(err as Error).message}`, target, { cause: err });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const parsed = parseBody(text);
      const detail = typeof parsed.message === 'string' ? parsed.message : typeof parsed.Message === 'string' ? parsed.Message : '';
      throw new AgentApiError(call.operation, errorCodeOf(response.headers, parsed), response.status, detail.slice(0, 300), parseRetryAfter(response.headers.get('retry-after')));
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new UnexpectedResponseError(`${target} answered with malformed JSON`, target, { cause: err });
    }
  }

  function parsed<T>(operation: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, value: unknown): T {
    const result = schema.safeParse(value);
    if (!result.success) throw new UnexpectedResponseError(`AWS DevOps Agent ${operation} answered with an unexpected shape`, `AWS DevOps Agent ${operation}`);
    return result.data;
  }

  /** Follows `nextToken` until the last page; `maxPages` bounds a misbehaving paginator. */
  async function paginate<T>(fetchPage: (nextToken?: string) => Promise<{ items: T[]; nextToken?: string | null }>, maxPages = 50): Promise<T[]> {
    const all: T[] = [];
    let token: string | undefined;
    for (let page = 0; page < maxPages; page += 1) {
      const { items, nextToken } = await fetchPage(token);
      all.push(...items);
      if (!nextToken) return all;
      token = nextToken;
    }
    return all;
  }

  return {
    async createBacklogTask(input) {
      const answer = await send({ operation: 'CreateBacklogTask', method: 'POST', path: `/backlog/agent-space/${space}/tasks`, body: input });
      return parsed('CreateBacklogTask', createBacklogTaskResponseSchema, answer).task;
    },
    async getBacklogTask(taskId) {
      const answer = await send({ operation: 'GetBacklogTask', method: 'GET', path: `/backlog/agent-space/${space}/tasks/${pathPart(taskId)}` });
      return parsed('GetBacklogTask', getBacklogTaskResponseSchema, answer).task;
    },
    listExecutions(taskId) {
      return paginate(async (nextToken) => {
        const answer = await send({ operation: 'ListExecutions', method: 'POST', path: `/journal/agent-space/${space}/executions`, body: { taskId, ...(nextToken ? { nextToken } : {}) } });
        const page = parsed('ListExecutions', listExecutionsResponseSchema, answer);
        return { items: page.executions, nextToken: page.nextToken };
      });
    },
    listJournalRecords(executionId, recordType) {
      return paginate(async (nextToken) => {
        const answer = await send({
          operation: 'ListJournalRecords',
          method: 'POST',
          path: `/journal/agent-space/${space}/journalRecords`,
          body: { executionId, recordType, order: 'ASC', ...(nextToken ? { nextToken } : {}) },
        });
        const page = parsed('ListJournalRecords', listJournalRecordsResponseSchema, answer);
        return { items: page.records, nextToken: page.nextToken };
      });
    },
  };
}
