import { executeChild, uuid4, workflowInfo } from '@temporalio/workflow';
import type { CheckedProposal } from '../../contracts/runbook';
import { IncidentNumber, IncidentPriority, OpsStage } from '../../contracts/search-attributes';
import { resolutionWorkflowId, runbookActionWorkflowId } from '../../contracts/workflow-ids';
import { servicenow } from '../proxies';
import { resolution } from '../resolution';
import { runbookAction } from '../runbook-action';
import { closeNotesOf } from './evidence';
import type { InvestigationState } from './state';
import { reasonOf } from './reason-of';

export type Remediated = { ok: true; summary?: string } | { ok: false; detail: string };

/** Runs the approved proposal once, as a RunbookAction in the incident's thread, and notes the outcome in the ticket. */
export async function runApprovedProposal(state: InvestigationState, proposal: Extract<CheckedProposal, { valid: true }>, by: string): Promise<Remediated> {
  await state.enterStage('resolving', `Approved by <@${by}>; running the proposed \`${proposal.label}\`.`);
  const ran = await executeChild(runbookAction, {
    workflowId: runbookActionWorkflowId(proposal.actionName, uuid4().slice(0, 8)),
    args: [
      {
        actionName: proposal.actionName,
        params: proposal.params,
        plan: proposal.plan,
        timeoutMs: proposal.timeoutMs,
        requestedBy: by,
        channelId: state.thread.channel,
        // The decision that approved it was asked under this action's own rule (or a stricter one): not asked twice.
        approval: { level: 'none', approvers: [], approverGroups: [] },
        incidentNumber: state.number,
        thread: state.thread,
      },
    ],
  });
  const summary = 'result' in ran ? ran.result.summary : ran.status;
  const marker = `[OpsLoop action ${workflowInfo().workflowId}/${proposal.actionName}]`;
  await servicenow.addWorkNoteOnce(state.incident.sysId, marker, `${marker} Proposed action \`${proposal.label}\` approved by Slack user ${by}: ${ran.status} (${summary}).`);
  if (ran.status !== 'succeeded') return { ok: false, detail: `:x: The proposed \`${proposal.label}\` ${ran.status} (${summary}); ${state.number} stays open.` };
  return { ok: true, summary: `Remediation: ran \`${proposal.label}\` (${summary}).` };
}

/** Resolves the ticket through a Resolution child; undefined on success, else what went wrong. */
export async function resolveApproved(state: InvestigationState, by: string, remediation?: string): Promise<string | undefined> {
  // The closed decision message already says it was approved; the root changes once more, when it is resolved.
  await state.enterStage('resolving', `Approved by <@${by}>; resolving in ServiceNow.`, { updateSlack: false });
  try {
    await executeChild(resolution, {
      workflowId: resolutionWorkflowId(state.number),
      args: [{ incidentNumber: state.number, closeCode: state.settings.closeCode, closeNotes: closeNotesOf(state.findings, by, remediation), requestedBy: { slackUserId: by }, sysId: state.incident.sysId, priority: state.incident.priority }],
      staticSummary: `${state.number} · resolve · approved by ${by}`,
      typedSearchAttributes: [
        { key: IncidentNumber, value: state.number },
        { key: IncidentPriority, value: state.incident.priority },
        { key: OpsStage, value: 'resolving' },
      ],
    });
    return undefined;
  } catch (err) {
    return `:x: Could not resolve ${state.number}: ${reasonOf(err)}`;
  }
}
