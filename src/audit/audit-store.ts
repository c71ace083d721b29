import type { AuditEvent, AuditQuery } from '../contracts/audit';

/** The audit trail: append-only, outlives Temporal's retention. `append` ignores an eventId it already has. */
export interface AuditStore {
  append(event: AuditEvent): Promise<void>;
  list(query: AuditQuery): Promise<AuditEvent[]>;
  close(): Promise<void>;
}

/** Keys that must never reach the audit trail, whatever a caller passes. */
const SECRET_KEY = /token|secret|password|signature|authorization/i;

/** Copies only the known fields, so nothing unexpected (a token in a payload) is ever written. */
export function sanitize(event: AuditEvent): AuditEvent {
  const clean: Record<string, unknown> = {};
  for (const key of ['eventId', 'at', 'source', 'action', 'actorId', 'actorName', 'channelId', 'text', 'decision', 'incidentNumber', 'workflowId', 'runId', 'result', 'reason'] as const) {
    const value = event[key];
    if (value !== undefined && !SECRET_KEY.test(key)) clean[key] = typeof value === 'string' ? value.slice(0, 2000) : value;
  }
  return clean as unknown as AuditEvent;
}

export function matches(event: AuditEvent, query: AuditQuery): boolean {
  return (!query.incidentNumber || event.incidentNumber === query.incidentNumber) && (!query.workflowId || event.workflowId === query.workflowId);
}
