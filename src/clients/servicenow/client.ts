import type { Incident } from '../../contracts/schemas/incident';
import { IncidentNotFoundError, UnexpectedResponseError } from '../errors';
import { fetchJson, type FetchFn } from '../http';
import type { IncidentSnapshot } from '../../contracts/investigation';
import { impactUrgencyFor, parsePriority } from '../../servicenow/priority';
import { INCIDENT_FIELDS, SNAPSHOT_FIELDS, incidentListResponseSchema, incidentResponseSchema, snapshotListResponseSchema } from './schemas';

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
}

export type ServiceNowClient = ReturnType<typeof createServiceNowClient>;

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
    const query = new URLSearchParams({
      sysparm_query: sysparmQuery,
      sysparm_fields: SNAPSHOT_FIELDS,
      sysparm_display_value: 'false',
      sysparm_exclude_reference_link: 'true',
      sysparm_limit: String(limit),
    });
    const body = parse(target, snapshotListResponseSchema, await request(target, `/api/now/table/incident?${query.toString()}`));
    return body.result.map((r) => ({
      sysId: r.sys_id,
      number: r.number,
      shortDescription: r.short_description,
      description: r.description,
      priority: r.priority,
      urgency: r.urgency,
      impact: r.impact,
      state: r.state,
      assignmentGroup: r.assignment_group,
      cmdbCi: r.cmdb_ci,
      sysUpdatedOn: r.sys_updated_on,
      sysModCount: r.sys_mod_count,
    }));
  };

  return {
    /** Throws IncidentNotFoundError when no incident has this number. */
    async getIncidentByNumber(number: string): Promise<Incident> {
      const target = `ServiceNow GET incident ${number}`;
      const query = new URLSearchParams({
        sysparm_query: `number=${number}`,
        sysparm_fields: INCIDENT_FIELDS,
        sysparm_exclude_reference_link: 'true',
        sysparm_limit: '1',
      });
      const body = parse(target, incidentListResponseSchema, await request(target, `/api/now/table/incident?${query.toString()}`));
      const incident = body.result[0];
      if (!incident) throw new IncidentNotFoundError(number);
      return incident;
    },

    async getIncident(sysId: string): Promise<Incident> {
      const target = `ServiceNow GET incident/${sysId}`;
      const query = new URLSearchParams({ sysparm_fields: INCIDENT_FIELDS, sysparm_exclude_reference_link: 'true' });
      const path = `/api/now/table/incident/${encodeURIComponent(sysId)}?${query.toString()}`;
      return parse(target, incidentResponseSchema, await request(target, path)).result;
    },

    /** Incidents updated at or after `since` (ServiceNow compares its UTC "YYYY-MM-DD HH:mm:ss" values). */
    async listUpdatedSince(since: Date, limit = 500): Promise<IncidentSnapshot[]> {
      return listSnapshots('ServiceNow GET incidents updated recently', `sys_updated_on>=${since.toISOString().replace('T', ' ').slice(0, 19)}^ORDERBYsys_updated_on`, limit);
    },

    /** Throws IncidentNotFoundError when no incident has this number. */
    async getSnapshotByNumber(number: string): Promise<IncidentSnapshot> {
      const [snapshot] = await listSnapshots(`ServiceNow GET incident ${number}`, `number=${number}`, 1);
      if (!snapshot || snapshot.number !== number) throw new IncidentNotFoundError(number);
      return snapshot;
    },

    /** Creates an incident with the impact and urgency that give the chosen priority (ServiceNow computes priority). */
    async createIncident({ priority, ...fields }: { short_description: string; description: string; priority: string; cmdb_ci: string }): Promise<IncidentSnapshot> {
      const target = 'ServiceNow POST incident';
      const created = parse(
        target,
        incidentResponseSchema,
        await request(target, `/api/now/table/incident?sysparm_fields=${INCIDENT_FIELDS}`, 'POST', { ...fields, ...impactUrgencyFor(parsePriority(priority)) }),
      ).result;
      return this.getSnapshotByNumber(created.number);
    },

    /** The work notes journal as one text (ServiceNow returns journals only with display values). */
    async getWorkNotes(sysId: string): Promise<string> {
      const target = `ServiceNow GET incident/${sysId} work notes`;
      const query = new URLSearchParams({ sysparm_fields: 'work_notes', sysparm_display_value: 'true' });
      const body = await request(target, `/api/now/table/incident/${encodeURIComponent(sysId)}?${query.toString()}`);
      const notes = (body as { result?: { work_notes?: unknown } } | undefined)?.result?.work_notes;
      return typeof notes === 'string' ? notes : '';
    },

    async updateIncident(sysId: string, changes: IncidentChanges): Promise<Incident> {
      const target = `ServiceNow PATCH incident/${sysId}`;
      const query = new URLSearchParams({ sysparm_fields: INCIDENT_FIELDS, sysparm_exclude_reference_link: 'true' });
      const path = `/api/now/table/incident/${encodeURIComponent(sysId)}?${query.toString()}`;
      return parse(target, incidentResponseSchema, await request(target, path, 'PATCH', changes)).result;
    },
  };
}
