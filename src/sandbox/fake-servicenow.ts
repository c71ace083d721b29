import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { businessRuleBody, sendBusinessRuleEvent, type BusinessRuleTarget } from './business-rule-sender';
import { matchesQuery, parseEncodedQuery, type MatchMode } from './encoded-query';
import type { FakeIncident } from './fake-incident';
import { lookupPriority } from './priority-lookup';
import { createFaults, type Faults } from './faults';
import { serve, type Served } from './serve';
import { SEED_INCIDENTS } from './seed-incidents';
import { createReferenceTables, INCIDENT_REFERENCES, isReferenceField, type ReferenceTableName, type ReferenceTables } from './servicenow-tables';
import { INCIDENT_SHAPE, PLAIN_SHAPE } from './table-api-record';
import { getRoute, listRoute, renderFor, type TableApi, type TableSource } from './table-api-routes';

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

/** A change made by a person at the ServiceNow UI: when (sys_updated_on; now by default) and by whom (`admin`). */
export interface PersonChange {
  at?: number;
  by?: string;
}

export interface FakeServiceNow extends Served {
  faults: Faults;
  requests: RecordedRequest[];
  transitions: StateTransition[];
  /** Every event the simulated Business Rule posted, with OpsLoop's answer. */
  deliveries: BusinessRuleDelivery[];
  /** The groups, configuration items and users the incident's reference fields point to. */
  tables: ReferenceTables;
  incident(number: string): FakeIncident | undefined;
  /** Every incident, in creation order (for the sandbox console). */
  incidents(): FakeIncident[];
  /** The number the next created incident will get. */
  nextIncidentNumber(): string;
  /**
   * Creates an incident (as a person in ServiceNow would); the Business Rule fires when one is installed. Priority
   * is not a field a person sets: it follows from impact and urgency (see impactUrgencyFor). Reference fields take
   * the referenced record's name, as a person picks it; an unknown name throws.
   */
  createIncident(fields: NewFakeIncident, change?: PersonChange): FakeIncident;
  /** Changes an incident as a person in ServiceNow would; the Business Rule fires when one is installed. */
  updateIncident(number: string, changes: Partial<Pick<FakeIncident, (typeof WRITABLE)[number]>>, change?: PersonChange): FakeIncident;
  /** Installs the after insert/update Business Rule that posts to OpsLoop (as `npm run servicenow:business-rule` generates). */
  installBusinessRule(target: BusinessRuleTarget | undefined): void;
  /** Resolves once every Business Rule post sent so far has been answered. */
  settled(): Promise<void>;
}

/** What a person fills in on the incident form; priority is computed. */
export type NewFakeIncident = Partial<Omit<FakeIncident, 'priority' | 'display' | 'work_notes'>> & { short_description: string; priority?: never };

export interface FakeServiceNowOptions {
  username: string;
  password: string;
  seed?: boolean;
  port?: number;
  /** The number new incidents count up from (after the seeds); tests sharing one Temporal server use distinct ones. */
  firstNumber?: number;
  /** The API user's time zone, in which display values of dates are given; an instance's default is America/Los_Angeles. */
  timeZone?: string;
  /** The most rows one GET returns whatever sysparm_limit asks; 10000, the Table API's documented default. */
  maxRecords?: number;
}

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

/** Who changes incidents through the fake's own methods (a person at the ServiceNow UI), as opposed to the API user. */
const PERSON = 'admin';

/**
 * OpsLoop's generated rule evaluates its condition with GlideFilter made case-insensitive, as a Table API query is; an
 * empty value still matches `<` there (src/sandbox/encoded-query.ts).
 */
const BUSINESS_RULE_FILTER: MatchMode = { caseSensitive: false, emptyMatchesLess: true };

/**
 * A ServiceNow Table API for the incident table and the tables its references point to, in memory, over real HTTP
 * with basic auth. It applies the resolution data policy (state 6/7 needs close_code and close_notes → 403), encoded
 * queries, ordering and paging (src/sandbox/table-api-routes.ts), display values (src/sandbox/table-api-record.ts),
 * and records every request and state transition, so tests can assert "resolved exactly once".
 */
export async function startFakeServiceNow(options: FakeServiceNowOptions): Promise<FakeServiceNow> {
  const incidents = new Map<string, FakeIncident>();
  const requests: RecordedRequest[] = [];
  const transitions: StateTransition[] = [];
  const faults = createFaults();
  const deliveries: BusinessRuleDelivery[] = [];
  const inFlight = new Set<Promise<void>>();
  const tables = createReferenceTables(options.username);
  let businessRule: BusinessRuleTarget | undefined;
  let nextNumber = 10001;
  const firstNumber = options.firstNumber;

  /** A field of an incident, dot-walking one level into a reference (`assignment_group.name`). */
  const readIncident = (incident: FakeIncident) => (field: string): string | undefined => {
    const [head = '', sub, ...deeper] = field.split('.');
    if (sub === undefined) {
      if (head === 'work_notes') return '';
      const stored: unknown = incident[head as keyof FakeIncident];
      return typeof stored === 'string' ? stored : undefined;
    }
    if (!isReferenceField(head) || deeper.length > 0) return undefined;
    const row = tables.get(INCIDENT_REFERENCES[head], incident[head]);
    return row ? row[sub] : '';
  };

  // Like a Business Rule run with executeAsync: after the write, never retried.
  const fireBusinessRule = (incident: FakeIncident, operation: 'insert' | 'update', by: string) => {
    if (!businessRule || (operation === 'update' && businessRule.skipUser === by)) return;
    if (businessRule.condition && !matchesQuery(parseEncodedQuery(businessRule.condition), readIncident(incident), BUSINESS_RULE_FILTER)) return;
    const target = businessRule;
    const sent = sendBusinessRuleEvent(target, businessRuleBody(incident, operation)).then((status) => {
      deliveries.push({ number: incident.number, sysModCount: incident.sys_mod_count, status, at: Date.now() });
    });
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
  };

  /** Computed on every write: priority from impact × urgency, and what the form shows in each reference field. */
  const computed = (incident: FakeIncident): FakeIncident => ({
    ...incident,
    priority: lookupPriority(incident.impact, incident.urgency) ?? incident.priority,
    display: {
      assignment_group: tables.display('sys_user_group', incident.assignment_group),
      cmdb_ci: tables.display('cmdb_ci', incident.cmdb_ci),
      caller_id: tables.display('sys_user', incident.caller_id),
      opened_by: tables.display('sys_user', incident.opened_by),
      resolved_by: tables.display('sys_user', incident.resolved_by),
    },
  });
  const userSysId = (userName: string) => tables.userByName(userName)?.sys_id ?? '';
  /** A person picks references by name; the Table API stores what it is sent unless asked to read display values. */
  const references = (fields: Record<string, unknown>, pick: (table: (typeof INCIDENT_REFERENCES)[keyof typeof INCIDENT_REFERENCES], value: string) => string) =>
    Object.fromEntries(
      Object.entries(INCIDENT_REFERENCES)
        .filter(([field]) => typeof fields[field] === 'string')
        .map(([field, table]) => [field, pick(table, fields[field] as string)]),
    );

  const insert = (fields: Record<string, unknown>, by: string, at: number): FakeIncident => {
    const number = typeof fields.number === 'string' ? fields.number : `INC${String(nextNumber).padStart(7, '0')}`;
    nextNumber = Math.max(nextNumber, Number(number.slice(3)) + 1);
    const strings = Object.fromEntries(Object.entries(withoutPriority(fields)).filter(([, v]) => typeof v === 'string')) as Partial<FakeIncident>;
    const incident = computed({
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
      ...strings,
      short_description: String(fields.short_description),
      sys_id: randomBytes(16).toString('hex'),
      number,
      sys_created_on: serviceNowTime(at),
      sys_updated_on: serviceNowTime(at),
      sys_updated_by: by,
      sys_mod_count: '0',
      work_notes: [],
      display: { assignment_group: '', cmdb_ci: '', caller_id: '', opened_by: '', resolved_by: '' },
    });
    incidents.set(incident.sys_id, incident);
    fireBusinessRule(incident, 'insert', by);
    return incident;
  };
  const applyChanges = (incident: FakeIncident, changes: Record<string, unknown>, by: string, at = Date.now()): FakeIncident => {
    const next: FakeIncident = { ...incident, work_notes: [...incident.work_notes] };
    for (const field of WRITABLE) if (typeof changes[field] === 'string') next[field] = changes[field];
    if (typeof changes.work_notes === 'string' && changes.work_notes) next.work_notes.push(changes.work_notes);
    // As the out-of-box incident business rule does when an incident becomes Resolved: resolved_by is the user who
    // resolved it unless the same write named someone (https://www.servicenow.com/docs/r/it-service-management/incident-management/resolve-and-close-an-incident.html).
    if (next.state === '6' && incident.state !== '6' && !next.resolved_by) next.resolved_by = userSysId(by);
    next.sys_mod_count = String(Number(incident.sys_mod_count) + 1);
    next.sys_updated_on = serviceNowTime(at);
    next.sys_updated_by = by;
    const updated = computed(next);
    if (updated.state !== incident.state) transitions.push({ number: incident.number, from: incident.state, to: updated.state, at: Date.now() });
    incidents.set(incident.sys_id, updated);
    fireBusinessRule(updated, 'update', by);
    return updated;
  };
  const byPerson = (fields: Record<string, unknown>) => ({ ...fields, ...references(fields, tables.pick) });
  const createIncident = (fields: NewFakeIncident, change: PersonChange = {}) => insert(byPerson(fields), change.by ?? PERSON, change.at ?? Date.now());

  if (options.seed !== false) for (const seed of SEED_INCIDENTS) createIncident({ ...withoutPriority(seed), caller_id: 'Abel Tuter' });
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
  const incidentTable: TableSource<FakeIncident> = {
    rows: () => [...incidents.values()],
    get: (sysId) => incidents.get(sysId),
    reader: readIncident,
    record: ({ display: _display, work_notes, ...fields }) => ({ ...fields, work_notes: [...work_notes].reverse().join('\n\n') }),
    shape: INCIDENT_SHAPE,
  };
  const referenceTable = (name: ReferenceTableName): TableSource<Record<string, string>> => ({
    rows: () => tables.rows(name),
    get: (sysId) => tables.get(name, sysId),
    reader: (row) => (field) => row[field],
    record: (row) => row,
    shape: PLAIN_SHAPE,
  });
  const tableApi: TableApi = {
    baseUrl: () => served.url,
    timeZone: options.timeZone ?? 'America/Los_Angeles',
    display: tables.display,
    table: (name) => (name === 'incident' ? incidentTable : name === 'sys_user' || name === 'sys_user_group' || name === 'cmdb_ci' ? referenceTable(name) : undefined),
  };
  const render = (incident: FakeIncident, req: Request) => renderFor(tableApi, tableApi.table('incident')!, incident, req);

  app.get('/api/now/table/:table', faults.middleware('GET incident', errorBody), listRoute(tableApi, options.maxRecords ?? 10_000));
  app.get('/api/now/table/:table/:sysId', faults.middleware('GET incident', errorBody), getRoute(tableApi));

  app.post('/api/now/table/incident', faults.middleware('POST incident', errorBody), (req, res) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body.short_description !== 'string') {
      res.status(400).json(failure('Invalid request', 'short_description is required'));
      return;
    }
    // sysparm_input_display_value=true: a reference may be sent as the referenced record's name and is stored as its sys_id.
    const displayInput = req.query.sysparm_input_display_value === 'true';
    const fields = displayInput ? { ...body, ...references(body, (table, value) => tables.find(table, value)) } : body;
    res.status(201).json({ result: render(insert(fields, options.username, Date.now()), req) });
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
    res.json({ result: render(updated, req) });
  });

  const served = await serve(app, options.port);
  return {
    ...served,
    faults,
    requests,
    transitions,
    deliveries,
    tables,
    incident: (number) => [...incidents.values()].find((i) => i.number === number),
    incidents: () => [...incidents.values()],
    nextIncidentNumber: () => `INC${String(nextNumber).padStart(7, '0')}`,
    createIncident,
    updateIncident(number, changes, change = {}) {
      const incident = [...incidents.values()].find((i) => i.number === number);
      if (!incident) throw new Error(`no incident ${number}`);
      return applyChanges(incident, byPerson(changes), change.by ?? PERSON, change.at);
    },
    installBusinessRule(target) {
      businessRule = target;
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
