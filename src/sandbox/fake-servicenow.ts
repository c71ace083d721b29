import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { createFaults, type Faults } from './faults';
import { serve, type Served } from './serve';
import { SEED_INCIDENTS } from './seed-incidents';

export interface FakeIncident {
  sys_id: string;
  number: string;
  short_description: string;
  description: string;
  priority: string;
  urgency: string;
  impact: string;
  state: string;
  assignment_group: string;
  cmdb_ci: string;
  close_code: string;
  close_notes: string;
  sys_updated_on: string;
  sys_mod_count: string;
  /** Journal entries; the Table API returns "" for journal fields on a plain GET. */
  work_notes: string[];
}

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

export interface FakeServiceNow extends Served {
  faults: Faults;
  requests: RecordedRequest[];
  transitions: StateTransition[];
  incident(number: string): FakeIncident | undefined;
  createIncident(fields: Partial<FakeIncident> & { short_description: string }): FakeIncident;
}

const FINISHED = ['6', '7', '8'];
const WRITABLE = ['short_description', 'description', 'priority', 'urgency', 'impact', 'state', 'assignment_group', 'cmdb_ci', 'close_code', 'close_notes'] as const;

const serviceNowTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
const failure = (message: string, detail: string) => ({ error: { message, detail }, status: 'failure' });

function project(incident: FakeIncident, fields: string | undefined): Record<string, string> {
  const full: Record<string, string> = { ...incident, work_notes: '' };
  if (!fields) return full;
  return Object.fromEntries(fields.split(',').filter((f) => f in full).map((f) => [f, full[f] as string]));
}

/** Matches the subset of encoded queries OpsLoop sends: `a=b`, `a>b`, joined with `^`; other terms are ignored, as ServiceNow does. */
function matches(incident: FakeIncident, query: string | undefined): boolean {
  if (!query) return true;
  return query.split('^').every((term) => {
    const m = /^(\w+)(>=|>|=|!=)(.*)$/.exec(term);
    if (!m) return true;
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const actual = (incident as unknown as Record<string, unknown>)[field];
    if (typeof actual !== 'string') return true;
    if (op === '=') return actual === value;
    if (op === '!=') return actual !== value;
    if (op === '>') return actual > value;
    return actual >= value;
  });
}

/**
 * A ServiceNow Table API for the incident table, in memory, over real HTTP with basic auth. It applies the
 * resolution data policy (state 6/7 needs close_code and close_notes → 403) and records every request and
 * state transition, so tests can assert "resolved exactly once".
 */
export async function startFakeServiceNow(options: { username: string; password: string; seed?: boolean; port?: number }): Promise<FakeServiceNow> {
  const incidents = new Map<string, FakeIncident>();
  const requests: RecordedRequest[] = [];
  const transitions: StateTransition[] = [];
  const faults = createFaults();
  let nextNumber = 10001;

  const createIncident = (fields: Partial<FakeIncident> & { short_description: string }): FakeIncident => {
    const number = fields.number ?? `INC${String(nextNumber).padStart(7, '0')}`;
    nextNumber = Math.max(nextNumber, Number(number.slice(3)) + 1);
    const incident: FakeIncident = {
      description: '',
      priority: '3',
      urgency: '2',
      impact: '2',
      state: '1',
      assignment_group: '',
      cmdb_ci: '',
      close_code: '',
      close_notes: '',
      ...fields,
      sys_id: randomBytes(16).toString('hex'),
      number,
      sys_updated_on: serviceNowTime(Date.now()),
      sys_mod_count: '0',
      work_notes: [],
    };
    incidents.set(incident.sys_id, incident);
    return incident;
  };
  if (options.seed !== false) for (const seed of SEED_INCIDENTS) createIncident(seed);

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

  app.get('/api/now/table/incident/:sysId', faults.middleware('GET incident', errorBody), (req, res) => {
    const incident = byId(req, res);
    if (incident) res.json({ result: project(incident, req.query.sysparm_fields as string | undefined) });
  });

  app.post('/api/now/table/incident', faults.middleware('POST incident', errorBody), (req, res) => {
    const body = req.body as Partial<FakeIncident>;
    if (!body || typeof body.short_description !== 'string') {
      res.status(400).json(failure('Invalid request', 'short_description is required'));
      return;
    }
    res.status(201).json({ result: project(createIncident({ ...body, short_description: body.short_description }), undefined) });
  });

  app.patch('/api/now/table/incident/:sysId', faults.middleware('PATCH incident', errorBody), (req, res) => {
    if (!req.is('application/json')) {
      res.status(400).json(failure('Bad Request', 'Content-Type application/json is required'));
      return;
    }
    const incident = byId(req, res);
    if (!incident) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next: FakeIncident = { ...incident, work_notes: [...incident.work_notes] };
    for (const field of WRITABLE) if (typeof body[field] === 'string') next[field] = body[field];
    if (FINISHED.slice(0, 2).includes(next.state) && (!next.close_code || !next.close_notes)) {
      const missing = [!next.close_code && 'Resolution code', !next.close_notes && 'Resolution notes'].filter(Boolean).join(', ');
      res.status(403).json(failure('Operation Failed', `Data Policy Exception: The following fields are mandatory: ${missing}`));
      return;
    }
    if (typeof body.work_notes === 'string' && body.work_notes) next.work_notes.push(body.work_notes);
    next.sys_mod_count = String(Number(incident.sys_mod_count) + 1);
    next.sys_updated_on = serviceNowTime(Date.now());
    if (next.state !== incident.state) transitions.push({ number: incident.number, from: incident.state, to: next.state, at: Date.now() });
    incidents.set(incident.sys_id, next);
    res.json({ result: project(next, req.query.sysparm_fields as string | undefined) });
  });

  const served = await serve(app, options.port);
  return {
    ...served,
    faults,
    requests,
    transitions,
    incident: (number) => [...incidents.values()].find((i) => i.number === number),
    createIncident,
  };
}
