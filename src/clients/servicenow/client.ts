import { z } from 'zod';
import type { Incident } from '../../contracts/schemas/incident';
import { HttpError, IncidentNotFoundError, UnexpectedResponseError } from '../errors';
import { fetchJson, type FetchFn } from '../http';
import type { IncidentSnapshot } from '../../contracts/investigation';
import { impactUrgencyFor, parsePriority } from '../../servicenow/priority';
import type { ReconcileCursor } from '../../contracts/reconcile';
import { changedAfterQuery } from './changed-after-query';
import {
  DISPLAY_VALUES,
  INCIDENT_FIELDS,
  SNAPSHOT_FIELDS,
  incidentListResponseSchema,
  incidentResponseSchema,
  snapshotListResponseSchema,
  sysIdListResponseSchema,
  workNotesResponseSchema,
} from './schemas';

export interface ServiceNowClientConfig {
  instanceUrl: string;
  username: string;
  password: string;
  timeoutMs: number;
  fetch?: FetchFn;
}

export interface IncidentChanges {
  state?: string;
  close_code?: string;
  close_notes?: string;
  work_notes?: string;
  /** A sys_user sys_id. */
  resolved_by?: string;
}

/** A ServiceNow user (sys_user) as OpsLoop names it. */
export interface ServiceNowUser {
  sysId: string;
  userName: string;
}

/** Who opened an incident: the caller and the user who created the record (sys_user sys_ids, '' when empty). */
export interface IncidentPeople {
  callerId: string;
  openedBy: string;
}

const userSchema = z.object({ sys_id: z.string().min(1), user_name: z.string().default(''), email: z.string().default('') });
const userListSchema = z.object({ result: z.array(userSchema) });
const userResponseSchema = z.object({ result: userSchema });
const peopleSchema = z.object({ result: z.object({ caller_id: z.string().default(''), opened_by: z.string().default('') }) });

export type ServiceNowClient = ReturnType<typeof createServiceNowClient>;

/** Every read asks for values and display values, without reference links (see schemas.ts). */
const READ = { sysparm_display_value: DISPLAY_VALUES, sysparm_exclude_reference_link: 'true' } as const;
/** Encoded-query values cannot carry these: `^` separates conditions and `=` would end a field name early. */
const QUERYABLE = /^[^^=\r\n]{1,100}$/;

/** A Table API client for the incident table: reads by number, writes by sys_id. */
export function createServiceNowClient(cfg: ServiceNowClientConfig) {
  const base = cfg.instanceUrl.replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${cfg.username}:${cfg.password}`).toString('base64')}`;
  const request = (target: string, path: string, method = 'GET', body?: unknown) =>
    fetchJson({
      target,
      url: `${base}${path}`,
      method,
      body,
      headers: { Authorization: authorization },
      timeoutMs: cfg.timeoutMs,
      fetch: cfg.fetch,
    });

  const parse = <T>(target: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, v: unknown): T => {
    const parsed = schema.safeParse(v);
    if (!parsed.success) throw new UnexpectedResponseError(`${target}: unexpected answer shape`, target);
    return parsed.data;
  };

  const listSnapshots = async (target: string, sysparmQuery: string, limit: number): Promise<IncidentSnapshot[]> => {
    const query = new URLSearchParams({ ...READ, sysparm_query: sysparmQuery, sysparm_fields: SNAPSHOT_FIELDS, sysparm_limit: String(limit) });
    return parse(target, snapshotListResponseSchema, await request(target, `/api/now/table/incident?${query.toString()}`)).result;
  };

  /** The sys_id of the configuration item with this name, or undefined when the CMDB has none (or the name cannot be queried). */
  const findConfigurationItem = async (name: string): Promise<string | undefined> => {
    if (!QUERYABLE.test(name)) return undefined;
    const target = 'ServiceNow GET cmdb_ci by name';
    const query = new URLSearchParams({ ...READ, sysparm_query: `name=${name}`, sysparm_fields: 'sys_id', sysparm_limit: '1' });
    return parse(target, sysIdListResponseSchema, await request(target, `/api/now/table/cmdb_ci?${query.toString()}`)).result[0]?.sys_id || undefined;
  };

  return {
    /** The user OpsLoop signs in as: what ServiceNow records as the author of OpsLoop's own writes. */
    integrationUser: cfg.username,

    /**
     * The active sys_user with this e-mail address, if any (Table API query on sys_user by `email`,
     * https://www.servicenow.com/docs/r/api-reference/rest-apis/c_TableAPI.html). `^` would end the encoded query's
     * term, so an address holding one matches nobody.
     */
    async findUserByEmail(email: string): Promise<ServiceNowUser | undefined> {
      if (!email || email.includes('^')) return undefined;
      const target = 'ServiceNow GET sys_user by email';
      const query = new URLSearchParams({ sysparm_query: `email=${email}^active=true`, sysparm_fields: 'sys_id,user_name,email', sysparm_display_value: 'false', sysparm_limit: '1' });
      const [user] = parse(target, userListSchema, await request(target, `/api/now/table/sys_user?${query.toString()}`)).result;
      return user && { sysId: user.sys_id, userName: user.user_name };
    },

    /** A user's e-mail address by sys_id ('' when it has none); undefined when no such user is visible (404). */
    async getUserEmail(sysId: string): Promise<string | undefined> {
      const target = `ServiceNow GET sys_user/${sysId}`;
      const query = new URLSearchParams({ sysparm_fields: 'sys_id,user_name,email', sysparm_display_value: 'false' });
      try {
        return parse(target, userResponseSchema, await request(target, `/api/now/table/sys_user/${encodeURIComponent(sysId)}?${query.toString()}`)).result.email;
      } catch (err) {
        if (err instanceof HttpError && err.status === 404) return undefined;
        throw err;
      }
    },

    /** caller_id and opened_by as sys_ids (database values without reference links). */
    async getIncidentPeople(sysId: string): Promise<IncidentPeople> {
      const target = `ServiceNow GET incident/${sysId} caller and opener`;
      const query = new URLSearchParams({ sysparm_fields: 'caller_id,opened_by', sysparm_display_value: 'false', sysparm_exclude_reference_link: 'true' });
      const { result } = parse(target, peopleSchema, await request(target, `/api/now/table/incident/${encodeURIComponent(sysId)}?${query.toString()}`));
      return { callerId: result.caller_id, openedBy: result.opened_by };
    },

    /** Throws IncidentNotFoundError when no incident has this number. */
    async getIncidentByNumber(number: string): Promise<Incident> {
      const target = `ServiceNow GET incident ${number}`;
      const query = new URLSearchParams({ ...READ, sysparm_query: `number=${number}`, sysparm_fields: INCIDENT_FIELDS, sysparm_limit: '1' });
      const body = parse(target, incidentListResponseSchema, await request(target, `/api/now/table/incident?${query.toString()}`));
      const incident = body.result[0];
      if (!incident || incident.number !== number) throw new IncidentNotFoundError(number);
      return incident;
    },

    async getIncident(sysId: string): Promise<Incident> {
      const target = `ServiceNow GET incident/${sysId}`;
      const query = new URLSearchParams({ ...READ, sysparm_fields: INCIDENT_FIELDS });
      const path = `/api/now/table/incident/${encodeURIComponent(sysId)}?${query.toString()}`;
      return parse(target, incidentResponseSchema, await request(target, path)).result;
    },

    /** Incidents updated at or after `since` (ServiceNow compares its UTC "YYYY-MM-DD HH:mm:ss" values). */
    async listUpdatedSince(since: Date, limit = 500): Promise<IncidentSnapshot[]> {
      return listSnapshots('ServiceNow GET incidents updated recently', `sys_updated_on>=${since.toISOString().replace('T', ' ').slice(0, 19)}^ORDERBYsys_updated_on`, limit);
    },

    /**
     * One page of the incidents changed after `after` and before `before` that match `condition`, oldest first (ties
     * by sys_id): the reconcile schedule's read. An instance may return fewer rows than `limit` (it caps sysparm_limit),
     * so only an empty page means there is nothing more.
     */
    async listChangedAfter(page: { after: ReconcileCursor; before: string; condition?: string; limit: number }): Promise<IncidentSnapshot[]> {
      return listSnapshots('ServiceNow GET incidents changed since the last reconcile', changedAfterQuery(page), page.limit);
    },

    /** Throws IncidentNotFoundError when no incident has this number. */
    async getSnapshotByNumber(number: string): Promise<IncidentSnapshot> {
      const [snapshot] = await listSnapshots(`ServiceNow GET incident ${number}`, `number=${number}`, 1);
      if (!snapshot || snapshot.number !== number) throw new IncidentNotFoundError(number);
      return snapshot;
    },

    /**
     * Creates an incident with the impact and urgency that give the chosen priority (ServiceNow computes priority).
     * The configuration item is a reference: OpsLoop stores the sys_id of the CI with that name, and when the CMDB has
     * none it leaves the field empty and says so in the description rather than storing a dangling reference.
     */
    async createIncident({ priority, cmdb_ci, ...fields }: { short_description: string; description: string; priority: string; cmdb_ci: string }): Promise<IncidentSnapshot> {
      const target = 'ServiceNow POST incident';
      const ci = cmdb_ci.trim() ? await findConfigurationItem(cmdb_ci.trim()) : undefined;
      const unknownCi = cmdb_ci.trim() && !ci ? `\n\nConfiguration item given in Slack, not found in the CMDB: ${cmdb_ci.trim()}` : '';
      const body = { ...fields, description: `${fields.description}${unknownCi}`.trim(), ...(ci ? { cmdb_ci: ci } : {}), ...impactUrgencyFor(parsePriority(priority)) };
      const query = new URLSearchParams({ ...READ, sysparm_fields: INCIDENT_FIELDS });
      const created = parse(target, incidentResponseSchema, await request(target, `/api/now/table/incident?${query.toString()}`, 'POST', body)).result;
      return this.getSnapshotByNumber(created.number);
    },

    /** The work notes journal as one text (ServiceNow returns journals only with display values). */
    async getWorkNotes(sysId: string): Promise<string> {
      const target = `ServiceNow GET incident/${sysId} work notes`;
      const query = new URLSearchParams({ ...READ, sysparm_fields: 'work_notes' });
      const body = await request(target, `/api/now/table/incident/${encodeURIComponent(sysId)}?${query.toString()}`);
      return parse(target, workNotesResponseSchema, body).result.work_notes;
    },

    async updateIncident(sysId: string, changes: IncidentChanges): Promise<Incident> {
      const target = `ServiceNow PATCH incident/${sysId}`;
      const query = new URLSearchParams({ ...READ, sysparm_fields: INCIDENT_FIELDS });
      const path = `/api/now/table/incident/${encodeURIComponent(sysId)}?${query.toString()}`;
      return parse(target, incidentResponseSchema, await request(target, path, 'PATCH', changes)).result;
    },
  };
}
