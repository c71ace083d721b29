import { workflowInfo } from '@temporalio/workflow';
import type { AuditEvent } from '../contracts/audit';
import { localAudit } from './proxies';

/**
 * Records one audit event from a workflow. The id is derived from the run and a label unique within it, so a
 * retried activity, a replay or a worker crash can never write it twice.
 */
export async function recordAudit(label: string, event: Omit<AuditEvent, 'eventId' | 'at' | 'workflowId' | 'runId'>): Promise<void> {
  const { workflowId, runId } = workflowInfo();
  await localAudit.recordAudit({ ...event, eventId: `${workflowId}/${runId}/${label}`, workflowId, runId });
}
