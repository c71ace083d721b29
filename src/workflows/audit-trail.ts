import { patched, workflowInfo } from '@temporalio/workflow';
import type { AuditEvent } from '../contracts/audit';
import { audit, localAudit } from './proxies';

/** Histories recorded before the audit trail existed replay without these activity calls. */
export const AUDIT_PATCH = 'audit-trail-v1';
/** Histories recorded before audit rows were written by local activities replay with the regular activity. */
export const LOCAL_AUDIT_PATCH = 'local-audit-v1';

/**
 * Records one audit event from a workflow. The id is derived from the run and a label unique within it, so a
 * retried activity, a replay or a worker crash can never write it twice.
 */
export async function recordAudit(label: string, event: Omit<AuditEvent, 'eventId' | 'at' | 'workflowId' | 'runId'>): Promise<void> {
  if (!patched(AUDIT_PATCH)) return;
  const { workflowId, runId } = workflowInfo();
  const row = { ...event, eventId: `${workflowId}/${runId}/${label}`, workflowId, runId };
  await (patched(LOCAL_AUDIT_PATCH) ? localAudit : audit).recordAudit(row);
}
