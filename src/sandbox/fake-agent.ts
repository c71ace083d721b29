import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import express, { type Request, type Response } from 'express';
import { createBacklogTaskInputSchema } from '../clients/agent/devops-agent-shapes';
import { safeEqual } from '../signing/safe-equal';
import { createApiDestination, type EventDelivery } from './fake-agent-events';
import { createBacklog, type Backlog, type SandboxOutcome } from './fake-agent-tasks';
import { createFaults, type Faults } from './faults';
import { serve, type Served } from './serve';
import { createSigV4Verifier, type SigV4Credentials } from './sigv4-verifier';

/*
 * The AWS DevOps Agent over real HTTP, as AWS documents it and no kinder:
 * - the data-plane API (CreateBacklogTask, GetBacklogTask, ListExecutions, ListJournalRecords; rest-json, SigV4 with
 *   signing name aidevops, errors named in x-amzn-errortype: https://docs.aws.amazon.com/devopsagent/latest/APIReference/),
 *   with an idempotent clientToken, statuses that move over time and paginated journals;
 * - lifecycle events delivered as an EventBridge API destination would, when told where;
 * - the generic webhook (https://docs.aws.amazon.com/devopsagent/latest/userguide/configuring-integrations-and-knowledge-invoking-devops-agent-through-webhook.html),
 *   which only says "Webhook received": the real agent never calls anyone back with findings, and neither does this.
 */

export interface FakeAgentOptions {
  agentSpaceId: string;
  /** The space's ServiceNow association; a task's reference must name it. */
  associationId: string;
  region: string;
  credentials: SigV4Credentials;
  /** The generic webhook's HMAC secret, or its API key in apikey mode. */
  webhook?: { secret: string; auth: 'hmac' | 'apikey' };
  /** Where lifecycle events go (an API destination with API_KEY auth); none: no events, as without a rule. */
  events?: { url: string; apiKey: string };
  /** How long an investigation runs once started; default 200 ms. */
  delayMs?: number;
  /** The space's concurrent investigations (AWS's default quota is 3). */
  concurrency?: number;
  /** Items per page of ListExecutions and ListJournalRecords, at most the request's limit; default 100. */
  pageSize?: number;
  port?: number;
}

/** Every request to the generic webhook, including rejected ones. */
export interface FakeAgentTrigger {
  headers: IncomingHttpHeaders;
  body: unknown;
  rawBody: string;
  at: number;
  verified: boolean;
  reason?: string;
}

/** Every data-plane call: which operation, what it answered, and whether its signature held. */
export interface FakeAgentCall {
  operation: string;
  status: number;
  errorType?: string;
  at: number;
}

export interface FakeAgent extends Served {
  /** The generic webhook's URL (`url` is the data-plane endpoint). */
  webhookUrl: string;
  faults: Faults;
  backlog: Backlog;
  calls: FakeAgentCall[];
  triggers: FakeAgentTrigger[];
  events: { enabled: boolean; deliveries: EventDelivery[] };
  /** How an incident's investigation ends (default COMPLETED). */
  outcomes: Map<string, SandboxOutcome>;
  /** Operations the caller's IAM role may not call: answered 403 AccessDeniedException. */
  denied: Set<string>;
}

const WEBHOOK_PATH = '/webhook/generic/sandbox';
const MAX_TIMESTAMP_AGE_MS = 5 * 60_000;
const ISO_8601_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const SANDBOX_ACCOUNT = '111122223333';

const ERROR_FOR_STATUS: Readonly<Record<number, string>> = {
  400: 'ValidationException',
  402: 'ServiceQuotaExceededException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  409: 'ConflictException',
  429: 'ThrottlingException',
};

class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function webhookRejection(webhook: NonNullable<FakeAgentOptions['webhook']>, headers: IncomingHttpHeaders, rawBody: Buffer): string | undefined {
  if (webhook.auth === 'apikey') return safeEqual(header(headers, 'authorization') ?? '', `Bearer ${webhook.secret}`) ? undefined : 'missing or wrong bearer API key';
  const timestamp = header(headers, 'x-amzn-event-timestamp');
  const signature = header(headers, 'x-amzn-event-signature');
  if (!timestamp || !signature) return 'missing x-amzn-event-timestamp or x-amzn-event-signature header';
  const at = Date.parse(timestamp);
  if (!ISO_8601_UTC.test(timestamp) || Number.isNaN(at)) return 'unparsable x-amzn-event-timestamp';
  if (Date.now() - at > MAX_TIMESTAMP_AGE_MS) return 'stale x-amzn-event-timestamp (older than 5 minutes)';
  // Computed here rather than with OpsLoop's signer so a signer bug cannot verify itself.
  const expected = createHmac('sha256', webhook.secret).update(`${timestamp}:`).update(rawBody).digest('base64');
  return safeEqual(expected, signature) ? undefined : 'signature mismatch';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A page of `items` from the offset in `nextToken`; the token is opaque to callers, as AWS's are. */
function page<T>(items: T[], body: Record<string, unknown>, pageSize: number): { items: T[]; nextToken?: string } {
  const limit = Math.min(typeof body.limit === 'number' ? body.limit : 100, pageSize);
  const offset = typeof body.nextToken === 'string' ? Number(Buffer.from(body.nextToken, 'base64url').toString()) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw new AwsError(400, 'ValidationException', 'nextToken is invalid');
  const slice = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? Buffer.from(String(offset + limit)).toString('base64url') : undefined;
  return { items: slice, ...(next ? { nextToken: next } : {}) };
}

export async function startFakeAgent(options: FakeAgentOptions): Promise<FakeAgent> {
  const faults = createFaults();
  const calls: FakeAgentCall[] = [];
  const triggers: FakeAgentTrigger[] = [];
  const outcomes = new Map<string, SandboxOutcome>();
  const denied = new Set<string>();
  const destination = options.events ? createApiDestination({ ...options.events, region: options.region, account: SANDBOX_ACCOUNT }) : undefined;
  const backlog = createBacklog({
    agentSpaceId: options.agentSpaceId,
    delayMs: options.delayMs ?? 200,
    concurrency: options.concurrency ?? 3,
    outcomeOf: (incident) => outcomes.get(incident) ?? 'COMPLETED',
    onChange: (change) => destination?.publish(change),
  });
  const verify = createSigV4Verifier({ service: 'aidevops', region: options.region, credentials: options.credentials });
  const pageSize = options.pageSize ?? 100;

  const operations: Record<string, (req: Request, body: Record<string, unknown>) => { status: number; body: unknown }> = {
    CreateBacklogTask: (_req, body) => {
      const input = createBacklogTaskInputSchema.safeParse(body);
      if (!input.success) throw new AwsError(400, 'ValidationException', input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      if (input.data.reference && input.data.reference.associationId !== options.associationId) {
        throw new AwsError(400, 'ValidationException', `reference.associationId ${input.data.reference.associationId} is not an association of this agent space`);
      }
      const { task, created } = backlog.create(input.data);
      return { status: created ? 201 : 200, body: { task } };
    },
    GetBacklogTask: (req) => {
      const task = backlog.tasks.get(String(req.params.taskId));
      if (!task) throw new AwsError(404, 'ResourceNotFoundException', `Task ${String(req.params.taskId)} not found`);
      return { status: 200, body: { task } };
    },
    ListExecutions: (_req, body) => {
      if (typeof body.taskId !== 'string') throw new AwsError(400, 'ValidationException', 'taskId is required');
      const { items, nextToken } = page(backlog.executionsOf(body.taskId), body, pageSize);
      return { status: 200, body: { executions: items, ...(nextToken ? { nextToken } : {}) } };
    },
    ListJournalRecords: (_req, body) => {
      if (typeof body.executionId !== 'string') throw new AwsError(400, 'ValidationException', 'executionId is required');
      const records = backlog.recordsOf(body.executionId, typeof body.recordType === 'string' ? body.recordType : '');
      const ordered = body.order === 'ASC' ? records : [...records].reverse();
      const { items, nextToken } = page(ordered, body, pageSize);
      return { status: 200, body: { records: items, ...(nextToken ? { nextToken } : {}) } };
    },
  };

  const sendError = (res: Response, operation: string, err: AwsError, retryAfterSeconds?: number) => {
    calls.push({ operation, status: err.status, errorType: err.type, at: Date.now() });
    if (retryAfterSeconds !== undefined) res.set('Retry-After', String(retryAfterSeconds));
    res.status(err.status).set('x-amzn-errortype', err.type).json({ message: err.message });
  };

  const api = (operation: string) => async (req: Request, res: Response) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const refusal = await verify({ method: req.method, url: req.originalUrl, headers: req.headers, body: raw });
    if (refusal) return sendError(res, operation, new AwsError(403, refusal.code, refusal.message));
    const fault = faults.consume(operation) ?? faults.consume('*');
    if (fault?.hang) return;
    if (fault?.delayMs) await new Promise((done) => setTimeout(done, fault.delayMs));
    if (fault?.status !== undefined) {
      const type = ERROR_FOR_STATUS[fault.status] ?? 'InternalServerException';
      return sendError(res, operation, new AwsError(fault.status, type, fault.status === 429 ? 'Rate exceeded' : 'The service encountered an error'), fault.retryAfterSeconds);
    }
    if (denied.has(operation)) {
      return sendError(res, operation, new AwsError(403, 'AccessDeniedException', `User: arn:aws:sts::${SANDBOX_ACCOUNT}:assumed-role/opsloop-worker is not authorized to perform: aidevops:${operation}`));
    }
    if (req.params.agentSpaceId !== options.agentSpaceId) return sendError(res, operation, new AwsError(404, 'ResourceNotFoundException', `Agent space ${String(req.params.agentSpaceId)} not found`));
    const parsedBody = raw.length > 0 ? parseJson(raw.toString('utf8')) : {};
    if (!parsedBody || typeof parsedBody !== 'object') return sendError(res, operation, new AwsError(400, 'SerializationException', 'The request body is not valid JSON'));
    try {
      const answer = operations[operation]!(req, parsedBody as Record<string, unknown>);
      calls.push({ operation, status: answer.status, at: Date.now() });
      // Served, but the answer is lost on the way back (a reset connection): the caller cannot know it landed.
      if (fault?.dropResponse) res.socket?.destroy();
      else res.status(answer.status).json(answer.body);
    } catch (err) {
      if (err instanceof AwsError) return sendError(res, operation, err);
      throw err;
    }
  };

  const app = express();
  const raw = express.raw({ type: () => true, limit: '1mb' });
  app.post('/backlog/agent-space/:agentSpaceId/tasks', raw, api('CreateBacklogTask'));
  app.get('/backlog/agent-space/:agentSpaceId/tasks/:taskId', raw, api('GetBacklogTask'));
  app.post('/journal/agent-space/:agentSpaceId/executions', raw, api('ListExecutions'));
  app.post('/journal/agent-space/:agentSpaceId/journalRecords', raw, api('ListJournalRecords'));

  app.post(WEBHOOK_PATH, raw, (req: Request, res: Response) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const reason = options.webhook ? webhookRejection(options.webhook, req.headers, rawBody) : 'no generic webhook is configured on this agent space';
    const text = rawBody.toString('utf8');
    triggers.push({ headers: { ...req.headers }, body: parseJson(text), rawBody: text, at: Date.now(), verified: reason === undefined, ...(reason !== undefined ? { reason } : {}) });
    const fault = faults.consume('webhook');
    if (fault?.hang) return;
    if (fault?.status !== undefined) {
      if (fault.retryAfterSeconds !== undefined) res.set('Retry-After', String(fault.retryAfterSeconds));
      res.status(fault.status).json({ message: 'Error' });
      return;
    }
    if (reason !== undefined) res.status(401).json({ message: 'Unauthorized' });
    else res.status(200).json({ message: 'Webhook received' });
  });

  const served = await serve(app, options.port);
  const agent: FakeAgent = {
    ...served,
    faults,
    backlog,
    calls,
    triggers,
    events: destination ?? { enabled: false, deliveries: [] },
    outcomes,
    denied,
    webhookUrl: `${served.url}${WEBHOOK_PATH}`,
    close: async () => {
      backlog.close();
      destination?.close();
      await served.close();
    },
  };
  return agent;
}
