import { patched } from '@temporalio/workflow';
import { FINDINGS_AUDIT_ACTION } from '../../contracts/timeline';
import type { Findings } from '../../contracts/schemas/findings';
import { recordAudit } from '../audit-trail';
import { PATCH } from '../patches';
import { servicenow } from '../proxies';
import type { InvestigationState } from './state';

/** A work note is plain text in ServiceNow; a summary longer than this is cut (the agent keeps the whole). */
const MAX_SUMMARY_CHARS = 12_000;

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}\n[… cut; the full text is in the agent's task]` : text);

/** Writes the findings to the ticket once, with the links back to the agent's task and the run, and audits their arrival. */
export async function noteFindingsInTicket(state: InvestigationState): Promise<void> {
  const { findings } = state;
  if (!findings) return;
  await Promise.all([
    patched(PATCH.findingsWorkNote) ? writeNote(state, findings) : undefined,
    // The timeline's time to findings: when the loop took them up.
    patched(PATCH.timelineOnFinish)
      ? recordAudit('findings', { source: 'workflow', action: FINDINGS_AUDIT_ACTION, actorName: findings.source, incidentNumber: state.number, result: findings.status, reason: state.agentTask ? `agent task ${state.agentTask.taskId}` : undefined })
      : undefined,
  ]);
}

async function writeNote(state: InvestigationState, findings: Findings): Promise<void> {
  const marker = `OpsLoop: findings from ${findings.source} for ${state.number}`;
  const task = state.agentTask ? `Agent task: ${state.agentTask.taskId}${findings.url ? ` (${findings.url})` : ''}` : findings.url ? `Investigation: ${findings.url}` : '';
  const note = [
    marker,
    cut(findings.summary, MAX_SUMMARY_CHARS),
    findings.mitigation ? `Mitigation plan:\n${cut(findings.mitigation, MAX_SUMMARY_CHARS / 2)}` : '',
    task,
    `OpsLoop run: ${state.runUrl(state.settings)}`,
  ]
    .filter(Boolean)
    .join('\n\n');
  await servicenow.addWorkNoteOnce(state.incident.sysId, marker, note);
}
