import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { businessRuleBody, sendBusinessRuleEvent, type BusinessRuleTarget } from './business-rule-sender';
import type { FakeIncident } from './fake-incident';
import { createUserTable, type FakeUser, type FakeUserTable } from './fake-servicenow-users';
import { lookupPriority } from './priority-lookup';
import { createFaults, type Faults } from './faults';
import { serve, type Served } from './serve';
import { SEED_INCIDENTS } from './seed-incidents';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: unknown;
  at: number;
}

export interface StateTransition {
  number: string;
  from: string;
  to: string;
  at: number;
}

export interface BusinessRuleDelivery {
  number: string;
  sysModCount: string;
  status: number;
  at: number;
}

export interface FakeServiceNow extends Served {
  faults: Faults;
  requests: RecordedRequest[];
  transitions: StateTransition[];
  /** Every event the simulated Business Rule posted, with OpsLoop's answer. */
  deliveries: BusinessRuleDelivery[];
  incident(number: string): FakeIncident | undefined;
  /** Every incident, in creation order (for the sandbox console). */
  incidents(): FakeIncident[];
  /** The number the next created incident will get. */
  nextIncidentNumber(): string;
  /**
   * Creates an incident (as a person in ServiceNow would); the Business Rule fires when one is installed. Priority
   * is not a field a person sets: it follows from impact and urgency (see impactUrgencyFor).
   */
  createIncident(fields: NewFakeIncident): FakeIncident;
  /** Changes an incident as a person in ServiceNow would; the Business Rule fires when one is installed. */
  updateIncident(number: string, changes: Partial<Pick<FakeIncident, (typeof WRITABLE)[number]>>): FakeIncident;
  /** Installs the after insert/update Business Rule that posts to OpsLoop (as `npm run servicenow:business-rule` generates). */
  installBusinessRule(target: BusinessRuleTarget | undefined): void;
  /** Resolves once every Business Rule post sent so far has been answered. */
  settled(): Promise<void>;
  /** The instance's users (sys_user); incidents' caller_id, opened_by and resolved_by hold their sys_ids. */
  users: FakeUserTable;
}

/** What a person fills in on the incident form; priority is computed. */
export type NewFakeIncident = Partial<Omit<FakeIncident, 'priority'>> & { short_description: string; priority?: never };

export type { FakeUser };

const FINISHED = ['6', '7', '8'];
// No priority: the priority lookup computes it from impact and urgency, and a written one does not stick.
const WRITABLE = ['short_description', 'description', 'urgency', 'impact', 'state', 'assignment_group', 'cmdb_ci', 'caller_id', 'resolved_by', 'close_code', 'close_notes'] as const;

/** A copy without `priority` (the lookup sets it, whatever a request wrote), e.g. to create a recorded incident again. */
export function withoutPriority<T extends object>(fields: T): Omit<T, 'priority'> {
  const copy: T & { priority?: unknown } = { ...fields };
  delete copy.priority;
  return copy;
}

const serviceNowTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
const failure = (message: string, detail: string) => ({ error: { message, detail }, status: 'failure' });

function project(incident: FakeIncident, fields: string | undefined, displayValues = false): Record<string, string> {
  // Like the Table API: journal fields read empty unless display values are asked for (newest entry first).
  const full: Record<string, string> = { ...incident, work_notes: displayValues ? [...incident.work_notes].reverse().join('\n\n') : '' };
  if (!fields) return full;
  return Object.fromEntries(fields.split(',').filter((f) => f in full).map((f) => [f, full[f] as string]));
}

/** Matches the subset of encoded queries OpsLoop sends: `a=b`, `a>b`, joined with `^`; other terms are ignored, as ServiceNow does. */
function matches(record: object, query: string | undefined): boolean {
  if (!query) return true;
  return query.split('^').every((term) => {
    const m = /^(\w+)(>=|>|=|!=)(.*)$/.exec(term);
    if (!m) return true;
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const actual = (record as Record<string, unknown>)[field];
    if (typeof actual !== 'string') return true;
    if (op === '=') return actual === value;
    if (op === '!=') return actual !== value;
    if (op === '>') return actual > value;
    return actual >= value;
  });
}

/** Who changes incidents through the fake's own methods (a person at the ServiceNow UI), as opposed to the API user. */
const PERSON = 'admin';

/**
 * A ServiceNow Table API for the incident table, in memory, over real HTTP with basic auth. It applies the
 * resolution data policy (state 6/7 needs close_code and close_notes → 403) and records every request and
 * state transition, so tests can assert "resolved exactly once".
 */
export async function startFakeServiceNow(options: {
  username: string;
  password: string;
  seed?: boolean;
  port?: number;
  /** The number new incidents count up from (after the seeds); tests sharing one Temporal server use distinct ones. */
  firstNumber?: number;
}): Promise<FakeServiceNow> {
  const incidents = new Map<string, FakeIncident>();
  const requests: RecordedRequest[] = [];
  const transitions: StateTransition[] = [];
  const faults = createFaults();
  const deliveries: BusinessRuleDelivery[] = [];
  const inFlight = new Set<Promise<void>>();
  const users = createUserTable(options.username);
  const userSysId = (userName: string) => users.byUserName(userName)?.sys_id ?? '';
  let businessRule: BusinessRuleTarget | undefined;
  let nextNumber = 10001;
  const firstNumber = options.firstNumber;

  // Like a Business Rule run with executeAsync: after the write, never retried.
  const fireBusinessRule = (incident: FakeIncident, operation: 'insert' | 'update', by: string) => {
    if (!businessRule || (operation === 'update' && businessRule.skipUser === by)) return;
    const target = businessRule;
    const sent = sendBusinessRuleEvent(target, businessRuleBody(incident, operation)).then((status) => {
      deliveries.push({ number: incident.number, sysModCount: incident.sys_mod_count, status, at: Date.now() });
    });
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
  };

  const withComputedPriority = (incident: FakeIncident): FakeIncident => ({ ...incident, priority: lookupPriority(incident.impact, incident.urgency) ?? incident.priority });

  // Whoever creates the record is its opened_by, unless the form says otherwise.
  const createIncident = (fields: NewFakeIncident, by = PERSON): FakeIncident => {
    const number = fields.number ?? `INC${String(nextNumber).padStart(7, '0')}`;
    nextNumber = Math.max(nextNumber, Number(number.slice(3)) + 1);
    const incident: FakeIncident = withComputedPriority({
      description: '',
      priority: '5',
      urgency: '2',
      impact: '2',
      state: '1',
      assignment_group: '',
      cmdb_ci: '',
      caller_id: '',
      opened_by: userSysId(by),
      resolved_by: '',
      close_code: '',
      close_notes: '',
      ...withoutPriority(fields as Partial<FakeIncident>),
      short_description: fields.short_description,
      sys_id: randomBytes(16).toString('hex'),
      number,
      sys_updated_on: serviceNowTime(Date.now()),
      sys_mod_count: '0',
      work_notes: [],
    });
    incidents.set(incident.sys_id, incident);
    fireBusinessRule(incident, 'insert', by);
    return incident;
  };
  const applyChanges = (incident: FakeIncident, changes: Record<string, unknown>, by: string): FakeIncident => {
    let next: FakeIncident = { ...incident, work_notes: [...incident.work_notes] };
    for (const field of WRITABLE) if (typeof changes[field] === 'string') next[field] = changes[field];
    next = withComputedPriority(next);
    if (typeof changes.work_notes === 'string' && changes.work_notes) next.work_notes.push(changes.work_notes);
    // As the out-of-box incident business rule does when an incident becomes Resolved: resolved_by is the user who
    // resolved it unless the same write named someone (https://www.servicenow.com/docs/r/it-service-management/incident-management/resolve-and-close-an-incident.html).
    if (next.state === '6' && incident.state !== '6' && !next.resolved_by) next.resolved_by = userSysId(by);
    next.sys_mod_count = String(Number(incident.sys_mod_count) + 1);
    next.sys_updated_on = serviceNowTime(Date.now());
    if (next.state !== incident.state) transitions.push({ number: incident.number, from: incident.state, to: next.state, at: Date.now() });
    incidents.set(incident.sys_id, next);
    fireBusinessRule(next, 'update', by);
    return next;
  };
  if (options.seed !== false) for (const seed of SEED_INCIDENTS) createIncident(withoutPriority(seed));
  if (firstNumber !== undefined) nextNumber = firstNumber;

  const expected = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.use((req, res, next) => {
    requests.push({ method: req.method, path: req.path, query: req.query, body: req.body as unknown, at: Date.now() });
    if (req.get('authorization') !== expected) {
      res.status(401).json(failure('User Not Authenticated', 'Required to provide Auth information'));
      return;
    }
    next();
  });
  const errorBody = (status: number) =>
    status === 429
      ? failure('Rate limit exceeded', 'Too many requests')
      : failure(`HTTP ${status}`, 'Injected by the sandbox fault switch');
  const byId = (req: Request, res: Response): FakeIncident | undefined => {
    const incident = incidents.get(String(req.params.sysId));
    if (!incident) res.status(404).json(failure('No Record found', "Record doesn't exist or ACL restricts the record retrieval"));
    return incident;
  };

  app.get('/api/now/table/incident', faults.middleware('GET incident', errorBody), (req, res) => {
    const limit = Number(req.query.sysparm_limit ?? 10000);
    const result = [...incidents.values()]
      .filter((i) => matches(i, req.query.sysparm_query as string | undefined))
      .slice(0, limit)
      .map((i) => project(i, req.query.sysparm_fields as string | undefined));
    res.json({ result });
  });

  // sys_user, as the Table API reads any table: an encoded query, a field list, a limit.
  app.get('/api/now/table/sys_user', faults.middleware('GET sys_user', errorBody), (req, res) => {
    const limit = Number(req.query.sysparm_limit ?? 10000);
    const fields = typeof req.query.sysparm_fields === 'string' ? req.query.sysparm_fields.split(',') : undefined;
    const result = users
      .all()
      .filter((u) => matches(u, req.query.sysparm_query as string | undefined))
      .slice(0, limit)
      .map((u) => (fields ? Object.fromEntries(fields.filter((f) => f in u).map((f) => [f, u[f as keyof FakeUser]])) : u));
    res.json({ result });
  });

  app.get('/api/now/table/sys_user/:sysId', faults.middleware('GET sys_user', errorBody), (req, res) => {
    const user = users.get(String(req.params.sysId));
    if (!user) {
      res.status(404).json(failure('No Record found', "Record doesn't exist or ACL restricts the record retrieval"));
      return;
    }
    const fields = typeof req.query.sysparm_fields === 'string' ? req.query.sysparm_fields.split(',') : undefined;
    res.json({ result: fields ? Object.fromEntries(fields.filter((f) => f in user).map((f) => [f, user[f as keyof FakeUser]])) : user });
  });

  app.get('/api/now/table/incident/:sysId', faults.middleware('GET incident', errorBody), (req, res) => {
    const incident = byId(req, res);
    const display = req.query.sysparm_display_value === 'true' || req.query.sysparm_display_value === 'all';
    if (incident) res.json({ result: project(incident, req.query.sysparm_fields as string | undefined, display) });
  });

  app.post('/api/now/table/incident', faults.middleware('POST incident', errorBody), (req, res) => {
    const body = req.body as Partial<FakeIncident>;
    if (!body || typeof body.short_description !== 'string') {
      res.status(400).json(failure('Invalid request', 'short_description is required'));
      return;
    }
    // opened_by is the API user: what the request says is not kept.
    const fields: NewFakeIncident = { ...withoutPriority(body), short_description: body.short_description };
    delete fields.opened_by;
    res.status(201).json({ result: project(createIncident(fields, options.username), undefined) });
  });

  app.patch('/api/now/table/incident/:sysId', faults.middleware('PATCH incident', errorBody), (req, res) => {
    if (!req.is('application/json')) {
      res.status(400).json(failure('Bad Request', 'Content-Type application/json is required'));
      return;
    }
    const incident = byId(req, res);
    if (!incident) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const state = typeof body.state === 'string' ? body.state : incident.state;
    const closeCode = typeof body.close_code === 'string' ? body.close_code : incident.close_code;
    const closeNotes = typeof body.close_notes === 'string' ? body.close_notes : incident.close_notes;
    if (FINISHED.slice(0, 2).includes(state) && (!closeCode || !closeNotes)) {
      const missing = [!closeCode && 'Resolution code', !closeNotes && 'Resolution notes'].filter(Boolean).join(', ');
      res.status(403).json(failure('Operation Failed', `Data Policy Exception: The following fields are mandatory: ${missing}`));
      return;
    }
    const updated = applyChanges(incident, body, options.username);
    // The change is kept but the answer is lost, as when a connection drops after ServiceNow committed.
    if (faults.consume('PATCH incident answer')?.dropResponse) {
      req.socket.destroy();
      return;
    }
    res.json({ result: project(updated, req.query.sysparm_fields as string | undefined) });
  });

  const served = await serve(app, options.port);
  return {
    ...served,
    faults,
    requests,
    transitions,
    deliveries,
    incident: (number) => [...incidents.values()].find((i) => i.number === number),
    incidents: () => [...incidents.values()],
    nextIncidentNumber: () => `INC${String(nextNumber).padStart(7, '0')}`,
    createIncident,
    updateIncident(number, changes) {
      const incident = [...incidents.values()].find((i) => i.number === number);
      if (!incident) throw new Error(`no incident ${number}`);
      return applyChanges(incident, changes, PERSON);
    },
    users,
    installBusinessRule(target) {
      businessRule = target;
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
