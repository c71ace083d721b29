import { createHmac } from 'node:crypto';
import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { safeEqual } from '../signing/safe-equal';
import { WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER, webhookSignature } from '../signing/webhook-signature';
import { findingsSchema, type Findings } from '../contracts/schemas/findings';
import { createFaults, type Faults } from './faults';
import { serve, type Served } from './serve';

export interface FakeAgentOptions {
  /** The webhook's HMAC secret, or its API key in apikey mode. */
  secret: string;
  auth: 'hmac' | 'apikey';
  /** OpsLoop's API base; findings go to `${url}/webhooks/agent`, signed with `secret`. */
  callback: { url: string; secret: string };
  /** How long the "investigation" takes; default 200 ms. */
  delayMs?: number;
  port?: number;
}

/** Every request to the webhook, including rejected and fault-injected ones. */
export interface FakeAgentTrigger {
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
  rawBody: string;
  at: number;
  verified: boolean;
  /** Why verification failed, when it did. */
  reason?: string;
}

/** One findings delivery attempt; status 0 means no HTTP answer (refused, reset, timed out). */
export interface FakeAgentCallback {
  status: number;
  body: Findings;
  at: number;
  error?: string;
}

export interface FakeAgent extends Served {
  faults: Faults;
  triggers: FakeAgentTrigger[];
  callbacks: FakeAgentCallback[];
  /** Incident numbers whose triggers are accepted but never answered, like an investigation that stalls. */
  silentFor: Set<string>;
}

const WEBHOOK_PATH = '/webhook/generic/sandbox';
const MAX_TIMESTAMP_AGE_MS = 5 * 60_000;
const ISO_8601_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const CALLBACK_RETRIES = 5;
const CALLBACK_RETRY_SPACING_MS = 500;
const CALLBACK_TIMEOUT_MS = 5_000;

/** The generic webhook payload as the agent reads it; a payload it cannot read is acknowledged but not investigated. */
const triggerPayloadSchema = z.object({
  eventType: z.literal('incident'),
  incidentId: z.string().min(1),
  action: z.enum(['created', 'updated', 'closed', 'resolved']),
  priority: z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'MINIMAL']),
  title: z.string().min(1),
  description: z.string().optional(),
  timestamp: z.string().optional(),
  service: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
type TriggerPayload = z.infer<typeof triggerPayloadSchema>;

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Verifies a trigger as the AWS user guide documents it; returns why it fails, or undefined. The HMAC is computed
 * here rather than with the client's signer so a signer bug cannot verify itself.
 */
function rejectionReason(options: FakeAgentOptions, headers: IncomingHttpHeaders, rawBody: Buffer, nowMs: number): string | undefined {
  if (options.auth === 'apikey') {
    const authorization = header(headers, 'authorization') ?? '';
    return safeEqual(authorization, `Bearer ${options.secret}`) ? undefined : 'missing or wrong bearer API key';
  }
  const timestamp = header(headers, 'x-amzn-event-timestamp');
  const signature = header(headers, 'x-amzn-event-signature');
  if (!timestamp || !signature) return 'missing x-amzn-event-timestamp or x-amzn-event-signature header';
  const at = Date.parse(timestamp);
  if (!ISO_8601_UTC.test(timestamp) || Number.isNaN(at)) return 'unparsable x-amzn-event-timestamp';
  if (nowMs - at > MAX_TIMESTAMP_AGE_MS) return 'stale x-amzn-event-timestamp (older than 5 minutes)';
  const expected = createHmac('sha256', options.secret).update(`${timestamp}:`).update(rawBody).digest('base64');
  return safeEqual(expected, signature) ? undefined : 'signature mismatch';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

interface Diagnosis {
  match: RegExp;
  rootCause: (service: string) => string;
  recommendation: (service: string) => string;
  /** A runbook action the agent proposes (OpsLoop runs it only if it validates and is approved). */
  propose?: (service: string) => { name: string; params: Record<string, string> };
}

/** Canned diagnoses keyed on the symptom, so demos and tests get stable, plausible findings. */
const DIAGNOSES: readonly Diagnosis[] = [
  {
    match: /latenc|slow|timeout|timed out|p9\d/,
    rootCause: (s) =>
      `Connection pool saturation after deploy: ${s} exhausted its database connection pool (20 of 20 in use) minutes after the latest deployment, so requests queued waiting for a connection.`,
    recommendation: (s) => `Roll back the latest ${s} deployment or raise the pool size, then alarm on connection-pool wait time.`,
  },
  {
    match: /\b5\d\d\b|error rate|errors|exception|failing|failed/,
    rootCause: (s) => `A configuration change shipped with the latest ${s} deployment points at a retired downstream endpoint; calls to it fail and surface as server errors.`,
    recommendation: (s) => `Restart ${s} so it reloads the reverted configuration, then add a deployment check that the downstream endpoint answers.`,
    propose: (s) => ({ name: 'restart-service', params: { service: s } }),
  },
  {
    match: /memory|oom|heap/,
    rootCause: (s) => `A memory leak in ${s}: heap usage grows steadily after each deployment until the container is OOM-killed and restarted.`,
    recommendation: (s) => `Restart ${s} to buy time, capture a heap snapshot, and roll back the release that introduced the growth.`,
    propose: (s) => ({ name: 'restart-service', params: { service: s } }),
  },
  {
    match: /cpu|throttl/,
    rootCause: (s) => `CPU throttling: ${s} runs at its CPU limit since traffic rose, and throttled requests back up.`,
    recommendation: (s) => `Scale ${s} out or raise its CPU limit, and alarm on throttled periods.`,
  },
  {
    match: /disk|storage|volume|no space/,
    rootCause: (s) => `The data volume of ${s} is full: log rotation stopped, so writes fail with "no space left on device".`,
    recommendation: (s) => `Free space on the ${s} volume, fix log rotation and alarm at 80% disk usage.`,
  },
];

const FALLBACK: Omit<Diagnosis, 'match'> = {
  rootCause: (s) => `No single root cause found: metrics, logs and recent deployments of ${s} show no anomaly correlated with the incident window.`,
  recommendation: (s) => `Escalate to the owners of ${s} and widen the investigation to its dependencies.`,
};

function sandboxFindings(payload: TriggerPayload): Findings {
  const service = payload.service || 'the affected service';
  const diagnosis = DIAGNOSES.find((d) => d.match.test(`${payload.title} ${payload.description ?? ''}`.toLowerCase())) ?? FALLBACK;
  const rootCause = diagnosis.rootCause(service);
  const recommendation = diagnosis.recommendation(service);
  const summary = [
    `## Investigation summary: ${payload.incidentId}`,
    `**Symptom:** ${payload.title}`,
    `**Service:** ${service}`,
    ...(payload.description ? ['### What was reported', payload.description.slice(0, 2_000)] : []),
    '### Root cause',
    rootCause,
    '### Recommendation',
    recommendation,
    '_Produced by the OpsLoop sandbox agent; no real systems were inspected._',
  ].join('\n\n');
  const proposedAction = payload.service && 'propose' in diagnosis && diagnosis.propose ? diagnosis.propose(payload.service) : undefined;
  return findingsSchema.parse({ incidentNumber: payload.incidentId, status: 'completed', source: 'sandbox-agent', summary, rootCause, recommendation, proposedAction });
}

/**
 * An AWS DevOps Agent generic webhook over real HTTP: verifies triggers as AWS documents (HMAC or API key), answers
 * as the agent does, and after `delayMs` posts findings to OpsLoop's agent callback, signed with OpsLoop's scheme.
 */
export async function startFakeAgent(options: FakeAgentOptions): Promise<FakeAgent> {
  const triggers: FakeAgentTrigger[] = [];
  const callbacks: FakeAgentCallback[] = [];
  const silentFor = new Set<string>();
  const faults = createFaults();
  const callbackUrl = `${options.callback.url.replace(/\/+$/, '')}/webhooks/agent`;
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new AbortController();
  let closed = false;

  const later = (ms: number, task: () => Promise<void>): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void task();
    }, ms);
    timers.add(timer);
  };

  /** Never rejects: an outcome is recorded and, on failure, retried. */
  const deliver = async (findings: Findings, body: string, retry: number): Promise<void> => {
    if (closed) return;
    // Re-signed per attempt so a retry never carries a stale timestamp.
    const timestamp = String(Math.floor(Date.now() / 1000));
    let outcome: { status: number; error?: string };
    try {
      const response = await fetch(callbackUrl, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
          [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(options.callback.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.any([inFlight.signal, AbortSignal.timeout(CALLBACK_TIMEOUT_MS)]),
      });
      await response.arrayBuffer();
      outcome = { status: response.status };
    } catch (err) {
      outcome = { status: 0, error: err instanceof Error ? err.message : String(err) };
    }
    if (closed) return;
    callbacks.push({ ...outcome, body: findings, at: Date.now() });
    const ok = outcome.status >= 200 && outcome.status < 300;
    if (!ok && retry < CALLBACK_RETRIES) later(CALLBACK_RETRY_SPACING_MS, () => deliver(findings, body, retry + 1));
  };

  const accept = (trigger: FakeAgentTrigger, res: Response): void => {
    if (!trigger.verified) {
      res.status(401).json({ message: 'Unauthorized' });
      return;
    }
    res.status(200).json({ message: 'Webhook received' });
    // Like the real agent, a payload it cannot read is acknowledged and silently not investigated.
    const payload = triggerPayloadSchema.safeParse(trigger.body);
    if (!payload.success || silentFor.has(payload.data.incidentId)) return;
    const findings = sandboxFindings(payload.data);
    later(options.delayMs ?? 200, () => deliver(findings, JSON.stringify(findings), 0));
  };

  const errorBody = (status: number) => ({ message: STATUS_CODES[status] ?? 'Error' });
  const injectFaults = faults.middleware('webhook', errorBody);

  const app = express();
  app.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: '1mb' }), (req: Request, res: Response, next) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const reason = rejectionReason(options, req.headers, rawBody, Date.now());
    const text = rawBody.toString('utf8');
    const trigger: FakeAgentTrigger = {
      headers: { ...req.headers },
      body: parseJson(text),
      rawBody: text,
      at: Date.now(),
      verified: reason === undefined,
      ...(reason !== undefined ? { reason } : {}),
    };
    triggers.push(trigger);
    injectFaults(req, res, (err?: unknown) => (err === undefined ? accept(trigger, res) : next(err)));
  });

  const served = await serve(app, options.port);
  return {
    ...served,
    url: `${served.url}${WEBHOOK_PATH}`,
    faults,
    triggers,
    callbacks,
    silentFor,
    close: async () => {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      inFlight.abort();
      await served.close();
    },
  };
}
