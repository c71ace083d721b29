import type { Incident } from '../../contracts/incident';
import { IncidentNotFoundError, UnexpectedResponseError } from '../errors';
import { fetchJson, type FetchFn } from '../http';
import { INCIDENT_FIELDS, incidentListResponseSchema, incidentResponseSchema } from './schemas';

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

    async updateIncident(sysId: string, changes: IncidentChanges): Promise<Incident> {
      const target = `ServiceNow PATCH incident/${sysId}`;
      const query = new URLSearchParams({ sysparm_fields: INCIDENT_FIELDS, sysparm_exclude_reference_link: 'true' });
      const path = `/api/now/table/incident/${encodeURIComponent(sysId)}?${query.toString()}`;
      return parse(target, incidentResponseSchema, await request(target, path, 'PATCH', changes)).result;
    },
  };
}
