import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { EVENT_ACTIONS, LIMITS, SEVERITIES, type EventAction } from '../clients/pagerduty/shapes';
import { createFaults, type Fault, type Faults } from './faults';
import { serve, type Served } from './serve';

/*
 * PagerDuty over real HTTP, as PagerDuty documents it and no kinder.
 *
 * Events API v2, POST /v2/enqueue (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/, source
 * https://github.com/PagerDuty/developer-docs/blob/main/docs/events-API-v2/02-Trigger-Events.md; its OpenAPI document
 * https://github.com/PagerDuty/api-schema/blob/main/reference/events-v2/openapiv3.json; response codes and the
 * 512 KB limit in https://github.com/PagerDuty/developer-docs/blob/main/docs/events-API-v2/01-Overview.md; 429 in
 * https://github.com/PagerDuty/developer-docs/blob/main/docs/events-API-v2/05-Rate-Limits.md):
 * - the 32-character routing key travels in the body; event_action is trigger, acknowledge or resolve; a trigger needs
 *   payload.summary (at most 1024 characters), payload.source and payload.severity (critical, error, warning, info);
 *   dedup_key is at most 255 characters and names the alert an acknowledge or resolve applies to;
 * - 202 { status, message, dedup_key } once accepted; 400 { status, message, errors[] } for an invalid event, every
 *   problem listed (as PagerDuty answered a key of the wrong shape: https://github.com/blockpane/tenderduty/issues/10);
 *   a well-formed key no integration has is refused too (https://github.com/robusta-dev/robusta/issues/571);
 *   429 when throttled and 5xx when PagerDuty fails, both to be retried;
 * - de-duplication: events with the same dedup_key and routing key apply to the open alert; a trigger for an open
 *   alert opens nothing new; once it is resolved a trigger opens a new alert, and an acknowledge or resolve is dropped
 *   (still answered 202: the API is asynchronous); events through another routing key never touch it.
 *
 * REST API v2, GET /oncalls (https://developer.pagerduty.com/api-reference/3a6b910f11050-list-all-of-the-on-calls,
 * the OpenAPI document https://github.com/PagerDuty/api-schema/blob/main/reference/REST/openapiv3.json (listOnCalls,
 * the api_key security scheme), errors https://github.com/PagerDuty/developer-docs/blob/main/docs/rest-api/14-Errors.md
 * and pagination https://github.com/PagerDuty/developer-docs/blob/main/docs/rest-api/09-Pagination.md):
 * - `Authorization: Token token=<key>` (401 without a known key, 403 for a key that may not read on-calls), errors as
 *   { error: { message, code, errors } };
 * - filters escalation_policy_ids[], since/until (default: now), earliest=true (one entry per escalation policy,
 *   level and user); classic pagination with limit (default 25, at most 100), offset and more, and 400 once
 *   offset + limit passes 10,000.
 */

export interface FakePagerDutyOptions {
  /** Integration keys that exist (the tests configure them); events through any other key are refused. */
  routingKeys?: string[];
  /** REST API keys that may read on-calls. */
  apiTokens?: string[];
  port?: number;
}

/** An on-call the fake serves for an escalation policy (null start or end: always on call). */
export interface FakeOnCall {
  level: number;
  user: { id: string; name: string };
  schedule?: { id: string; name: string };
  start?: string | null;
  end?: string | null;
}

export type AlertStatus = 'triggered' | 'acknowledged' | 'resolved';

/** What one accepted event did to an alert. */
export interface AlertChange {
  action: EventAction;
  outcome: 'opened' | 'deduplicated' | 'acknowledged' | 'resolved' | 'unchanged';
  at: number;
}

export interface FakeAlert {
  /** Sequential, in the order alerts were opened. */
  id: number;
  routingKey: string;
  dedupKey: string;
  status: AlertStatus;
  summary: string;
  severity: string;
  source: string;
  links: { href: string; text?: string }[];
  customDetails?: unknown;
  history: AlertChange[];
}

/** Every request to /v2/enqueue, refused ones included. */
export interface ReceivedEvent {
  at: number;
  status: number;
  body: unknown;
  /** What PagerDuty did with it: an alert change, `dropped` (nothing open to apply to), `invalid` or `fault`. */
  outcome: AlertChange['outcome'] | 'dropped' | 'invalid' | 'fault';
  errors?: string[];
  alertId?: number;
  /** Served, but its answer was lost on the way back. */
  answerDropped?: boolean;
}

export interface RestCall {
  at: number;
  path: string;
  query: string;
  accept: string | undefined;
  status: number;
}

export interface FakePagerDuty extends Served {
  /** Switch names: `enqueue`, `oncalls`, or `*` for both. */
  faults: Faults;
  routingKeys: Set<string>;
  apiTokens: Set<string>;
  /** Known keys that may not read on-calls (403). */
  deniedTokens: Set<string>;
  /** On-calls per escalation policy id. */
  onCalls: Map<string, FakeOnCall[]>;
  alerts: FakeAlert[];
  events: ReceivedEvent[];
  restCalls: RestCall[];
  /** Every alert ever opened for a routing key and dedup key, oldest first. */
  alertsFor(routingKey: string, dedupKey: string): FakeAlert[];
}

const EVENTS_BODY_LIMIT = '512kb';
const ROUTING_KEY_CHARS = /^[A-Za-z0-9]+$/;
const PAGINATION_CEILING = 10_000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const blank = (v: unknown): boolean => typeof v !== 'string' || v.trim() === '';

/** Every reason PagerDuty would refuse this event, in its style of naming the field. */
export function eventProblems(body: Record<string, unknown>, knownKeys: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const key = body.routing_key;
  if (blank(key)) problems.push("'routing_key' is missing or blank");
  else if (typeof key === 'string') {
    if (key.length !== LIMITS.routingKeyLength) problems.push(`'routing_key' must be ${LIMITS.routingKeyLength} characters long`);
    if (!ROUTING_KEY_CHARS.test(key)) problems.push("'routing_key' may contain only letters and digits");
    if (problems.length === 0 && !knownKeys.has(key)) problems.push('Invalid routing key');
  }
  const action = body.event_action;
  if (!(EVENT_ACTIONS as readonly unknown[]).includes(action)) problems.push(`'event_action' must be one of ${EVENT_ACTIONS.join(', ')}`);
  const dedup = body.dedup_key;
  if (dedup !== undefined && typeof dedup !== 'string') problems.push("'dedup_key' must be a string");
  else if (typeof dedup === 'string' && dedup.length > LIMITS.dedupKeyMax) problems.push(`'dedup_key' must be at most ${LIMITS.dedupKeyMax} characters`);
  if ((action === 'acknowledge' || action === 'resolve') && blank(dedup)) problems.push(`'dedup_key' is required for a ${action} event`);
  if (action === 'trigger') problems.push(...payloadProblems(body.payload));
  if (body.links !== undefined && (!Array.isArray(body.links) || body.links.some((l) => !isRecord(l) || blank(l.href)))) problems.push("'links' must be a list of objects with an 'href'");
  if (body.images !== undefined && (!Array.isArray(body.images) || body.images.some((i) => !isRecord(i) || blank(i.src)))) problems.push("'images' must be a list of objects with a 'src'");
  return problems;
}

function payloadProblems(payload: unknown): string[] {
  if (!isRecord(payload)) return ["'payload' is required for a trigger event"];
  const problems: string[] = [];
  if (blank(payload.summary)) problems.push("'payload.summary' is missing or blank");
  else if (String(payload.summary).length > LIMITS.summaryMax) problems.push(`'payload.summary' must be at most ${LIMITS.summaryMax} characters`);
  if (blank(payload.source)) problems.push("'payload.source' is missing or blank");
  if (!(SEVERITIES as readonly unknown[]).includes(payload.severity)) problems.push(`'payload.severity' must be one of ${SEVERITIES.join(', ')}`);
  if (payload.custom_details !== undefined && typeof payload.custom_details !== 'object') problems.push("'payload.custom_details' must be an object");
  return problems;
}

const eventsFaultBody = (status: number) =>
  status === 429 ? { status: 'throttled', message: 'Request Limit Exceeded' } : { status: 'error', message: 'Internal Server Error' };

const REST_ERRORS: Readonly<Record<number, { message: string; code: number }>> = {
  400: { message: 'Invalid Input Provided', code: 2001 },
  401: { message: 'Authentication failed', code: 2006 },
  403: { message: 'Access Denied', code: 2010 },
  429: { message: 'Rate Limit Exceeded', code: 2020 },
};
const restError = (status: number, errors?: string[]) => ({ error: { ...(REST_ERRORS[status] ?? { message: 'An internal error has occurred', code: 2000 }), ...(errors ? { errors } : {}) } });

const overlaps = (entry: FakeOnCall, since: number, until: number): boolean =>
  (entry.start == null || Date.parse(entry.start) <= until) && (entry.end == null || Date.parse(entry.end) > since);

export async function startFakePagerDuty(options: FakePagerDutyOptions = {}): Promise<FakePagerDuty> {
  const faults = createFaults();
  const routingKeys = new Set(options.routingKeys ?? []);
  const apiTokens = new Set(options.apiTokens ?? []);
  const deniedTokens = new Set<string>();
  const onCalls = new Map<string, FakeOnCall[]>();
  const alerts: FakeAlert[] = [];
  const events: ReceivedEvent[] = [];
  const restCalls: RestCall[] = [];

  const openAlert = (routingKey: string, dedupKey: string) => alerts.find((a) => a.routingKey === routingKey && a.dedupKey === dedupKey && a.status !== 'resolved');

  /** Applies a valid event to the alerts, as PagerDuty's de-duplication does. */
  function apply(body: Record<string, unknown>): { dedupKey: string; outcome: ReceivedEvent['outcome']; alertId?: number } {
    const routingKey = String(body.routing_key);
    const action = body.event_action as EventAction;
    const dedupKey = typeof body.dedup_key === 'string' && body.dedup_key !== '' ? body.dedup_key : randomUUID().replace(/-/g, '');
    const open = openAlert(routingKey, dedupKey);
    const at = Date.now();
    if (action === 'trigger') {
      if (open) {
        open.history.push({ action, outcome: 'deduplicated', at });
        return { dedupKey, outcome: 'deduplicated', alertId: open.id };
      }
      const payload = body.payload as Record<string, unknown>;
      const alert: FakeAlert = {
        id: alerts.length + 1,
        routingKey,
        dedupKey,
        status: 'triggered',
        summary: String(payload.summary),
        severity: String(payload.severity),
        source: String(payload.source),
        links: Array.isArray(body.links) ? (body.links as FakeAlert['links']) : [],
        ...(payload.custom_details !== undefined ? { customDetails: payload.custom_details } : {}),
        history: [{ action, outcome: 'opened', at }],
      };
      alerts.push(alert);
      return { dedupKey, outcome: 'opened', alertId: alert.id };
    }
    if (!open) return { dedupKey, outcome: 'dropped' };
    const next: AlertStatus = action === 'resolve' ? 'resolved' : open.status === 'triggered' ? 'acknowledged' : open.status;
    const outcome = next === open.status ? 'unchanged' : action === 'resolve' ? 'resolved' : 'acknowledged';
    open.status = next;
    open.history.push({ action, outcome, at });
    return { dedupKey, outcome, alertId: open.id };
  }

  /** Applies the armed fault, if any: true when it answered (or will never answer) instead of serving. */
  async function faulted(res: Response, fault: Fault | undefined, body: (status: number) => unknown): Promise<boolean> {
    if (!fault) return false;
    if (fault.hang) return true;
    if (fault.delayMs) await new Promise((done) => setTimeout(done, fault.delayMs));
    if (fault.status === undefined) return false;
    if (fault.retryAfterSeconds !== undefined) res.set('Retry-After', String(fault.retryAfterSeconds));
    res.status(fault.status).json(fault.body ?? body(fault.status));
    return true;
  }

  const app = express();
  app.disable('x-powered-by');

  app.post('/v2/enqueue', express.raw({ type: () => true, limit: EVENTS_BODY_LIMIT }), async (req: Request, res: Response) => {
    const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = undefined;
    }
    const fault = faults.consume('enqueue') ?? faults.consume('*');
    if (await faulted(res, fault, eventsFaultBody)) {
      events.push({ at: Date.now(), status: fault?.status ?? 0, body, outcome: 'fault' });
      return;
    }
    if (!isRecord(body)) {
      const errors = ['JSON parse error'];
      events.push({ at: Date.now(), status: 400, body: text, outcome: 'invalid', errors });
      res.status(400).json({ status: 'Unrecognized object', message: 'Event object format is unrecognized', errors });
      return;
    }
    const errors = eventProblems(body, routingKeys);
    if (errors.length > 0) {
      events.push({ at: Date.now(), status: 400, body, outcome: 'invalid', errors });
      res.status(400).json({ status: 'invalid event', message: 'Event object is invalid', errors });
      return;
    }
    const { dedupKey, outcome, alertId } = apply(body);
    const dropped = fault?.dropResponse === true;
    events.push({ at: Date.now(), status: 202, body, outcome, ...(alertId !== undefined ? { alertId } : {}), ...(dropped ? { answerDropped: true } : {}) });
    // Served, but the answer is lost on the way back (a reset connection): the caller cannot know it landed.
    if (dropped) res.socket?.destroy();
    else res.status(202).json({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
  });

  app.get('/oncalls', async (req: Request, res: Response) => {
    const url = new URL(req.originalUrl, 'http://pagerduty.invalid');
    const answer = (status: number, body: unknown) => {
      restCalls.push({ at: Date.now(), path: url.pathname, query: url.search, accept: req.get('accept'), status });
      res.status(status).json(body);
    };
    const fault = faults.consume('oncalls') ?? faults.consume('*');
    if (await faulted(res, fault, (status) => restError(status))) {
      restCalls.push({ at: Date.now(), path: url.pathname, query: url.search, accept: req.get('accept'), status: fault?.status ?? 0 });
      return;
    }
    const token = /^Token token=(.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!token || (!apiTokens.has(token) && !deniedTokens.has(token))) return answer(401, restError(401));
    if (deniedTokens.has(token)) return answer(403, restError(403));

    const params = url.searchParams;
    const limitText = params.get('limit') ?? '25';
    const offsetText = params.get('offset') ?? '0';
    if (!/^\d+$/.test(limitText) || !/^\d+$/.test(offsetText)) return answer(400, restError(400, ['limit and offset must be non-negative integers']));
    const limit = Math.min(Math.max(Number(limitText), 1), 100);
    const offset = Number(offsetText);
    if (offset + limit > PAGINATION_CEILING) return answer(400, restError(400, [`offset plus limit may not exceed ${PAGINATION_CEILING}`]));
    const now = Date.now();
    const since = params.has('since') ? Date.parse(params.get('since') ?? '') : now;
    const until = params.has('until') ? Date.parse(params.get('until') ?? '') : now;
    if (Number.isNaN(since) || Number.isNaN(until) || until < since) return answer(400, restError(400, ["Invalid time values in 'since' and/or 'until' parameters"]));

    const policyIds = params.getAll('escalation_policy_ids[]');
    const policies = policyIds.length > 0 ? policyIds : [...onCalls.keys()];
    let entries = policies.flatMap((policyId) => (onCalls.get(policyId) ?? []).filter((e) => overlaps(e, since, until)).map((entry) => ({ policyId, entry })));
    if (params.get('earliest') === 'true') {
      const earliest = new Map<string, (typeof entries)[number]>();
      for (const item of entries) {
        const key = `${item.policyId}|${item.entry.level}|${item.entry.user.id}`;
        const kept = earliest.get(key);
        if (!kept || Date.parse(item.entry.start ?? '1970-01-01T00:00:00Z') < Date.parse(kept.entry.start ?? '1970-01-01T00:00:00Z')) earliest.set(key, item);
      }
      entries = [...earliest.values()];
    }
    const base = `${url.protocol}//${req.get('host') ?? 'api.pagerduty.invalid'}`;
    const reference = (type: string, path: string, id: string, summary: string) => ({ id, type, summary, self: `${base}/${path}/${id}`, html_url: `https://sandbox.pagerduty.invalid/${path}/${id}` });
    const oncalls = entries.slice(offset, offset + limit).map(({ policyId, entry }) => ({
      user: reference('user_reference', 'users', entry.user.id, entry.user.name),
      escalation_policy: reference('escalation_policy_reference', 'escalation_policies', policyId, `Escalation policy ${policyId}`),
      schedule: entry.schedule ? reference('schedule_reference', 'schedules', entry.schedule.id, entry.schedule.name) : null,
      escalation_level: entry.level,
      start: entry.start ?? null,
      end: entry.end ?? null,
    }));
    answer(200, { oncalls, limit, offset, more: offset + limit < entries.length, total: null });
  });

  const tooLarge: ErrorRequestHandler = (err: unknown, _req, res, next) => {
    if ((err as { type?: string }).type !== 'entity.too.large') return next(err);
    res.status(400).json({ status: 'invalid event', message: 'Event object is invalid', errors: [`Event payloads are limited to ${EVENTS_BODY_LIMIT}`] });
  };
  app.use(tooLarge);

  const served = await serve(app, options.port);
  return {
    ...served,
    faults,
    routingKeys,
    apiTokens,
    deniedTokens,
    onCalls,
    alerts,
    events,
    restCalls,
    alertsFor: (routingKey, dedupKey) => alerts.filter((a) => a.routingKey === routingKey && a.dedupKey === dedupKey),
  };
}
