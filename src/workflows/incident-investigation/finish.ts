import { patched, workflowInfo } from '@temporalio/workflow';
import type { InvestigationOutcome, InvestigationResult } from '../../contracts/investigation';
import type { NotificationEvent } from '../../contracts/runbook';
import type { OpsStageValue } from '../../contracts/search-attributes';
import { recordAudit } from '../audit-trail';
import { PATCH } from '../patches';
import { runbook, slack } from '../proxies';
import type { InvestigationState } from './state';
import { writeTimeline } from './timeline';

const NOTIFIED_OUTCOMES: Partial<Record<InvestigationOutcome, NotificationEvent>> = {
  resolved: 'incident-resolved',
  expired: 'approval-expired',
  failed: 'workflow-failed',
};

/**
 * Ends the investigation: the final stage, a thread note (a resolution is shown by the root message), the audit row,
 * and the subscribed channels; then, with the outcome in the audit trail, the run's timeline.
 */
export async function finish(state: InvestigationState, outcome: InvestigationOutcome, stage: OpsStageValue, detail: string, decidedBy?: string): Promise<InvestigationResult> {
  const { number, incident } = state;
  const event = NOTIFIED_OUTCOMES[outcome];
  const notify = event && state.settings.notifiedEvents.includes(event)
    ? runbook.notify({ id: `${workflowInfo().workflowId}/${workflowInfo().runId}/outcome`, event, text: `${number} (P${incident.priority} · ${incident.shortDescription}): ${detail}` })
    : undefined;
  await Promise.all([
    state.enterStage(stage, detail),
    outcome !== 'resolved' ? slack.postThreadNote(state.thread, detail) : undefined,
    recordAudit('outcome', { source: 'workflow', action: 'investigation-outcome', incidentNumber: number, actorId: decidedBy, result: outcome, reason: detail }),
    notify,
  ]);
  if (patched(PATCH.timelineOnFinish)) await writeTimeline(state, outcome);
  return { incidentNumber: number, outcome, decidedBy, sysModCount: incident.sysModCount };
}
