// Pure functions of what the investigation knows: what a person is shown and asked, and what the ticket is told.
import type { ApprovalRequest, DecisionChoice } from '../../contracts/decision';
import type { IncidentSnapshot, InvestigationSettings, ThreadRef } from '../../contracts/investigation';
import type { CheckedProposal } from '../../contracts/runbook';
import type { Findings } from '../../contracts/schemas/findings';

const APPROVAL_LEVEL_COUNT = { none: 1, one: 1, two: 2 } as const;

/** What will run on approval (or why it cannot), and which reviewed rule mapped it from the mitigation plan. */
function proposalLine(proposal: CheckedProposal): string {
  const line = proposal.valid
    ? `**Proposed:** \`${proposal.label}\` (will execute ${proposal.preview})`
    : `**Proposed (shown as text only; it cannot be run from here: ${proposal.reason}):** \`${proposal.label}\``;
  return proposal.origin ? `${line}\n_Mapped from the mitigation plan by the runbook's \`${proposal.origin.rule}\` rule, from: “${proposal.origin.line}”_` : line;
}

/**
 * The Markdown shown with a decision request: the incident, what would run, the cause, recommendation and mitigation
 * plan, then the findings (or their absence). Longest last, so that what Slack cuts from a long request is the end of
 * the findings.
 */
export function evidenceOf(incident: IncidentSnapshot, findings: Findings | undefined, proposal: CheckedProposal | undefined, findingsTimeoutMs: number): string {
  const header = `**Incident:** P${incident.priority}${incident.cmdbCi ? ` · CI ${incident.cmdbCi}` : ''}`;
  if (!findings) return `${header}\n\n_The investigator sent no findings within ${Math.round(findingsTimeoutMs / 60_000) || '<1'} min; decide without them._`;
  const parts = [header];
  if (proposal) parts.push(proposalLine(proposal));
  if (findings.status !== 'completed') parts.push(`_Investigation ${findings.status}._`);
  if (findings.rootCause) parts.push(`**Likely cause**\n\n${findings.rootCause}`);
  if (findings.recommendation) parts.push(`**Recommendation**\n\n${findings.recommendation}`);
  if (findings.mitigation) {
    parts.push(`**Mitigation plan**\n\n${findings.mitigation}`);
    if (!proposal) parts.push('_No `proposals:` rule of the runbook matches this plan: approving runs nothing, it only resolves the ticket._');
  }
  if (findings.summary) parts.push(`**Findings** (${findings.source})\n\n${findings.summary}`);
  return parts.join('\n\n');
}

/** Distinct approvals needed: the stricter of the incident's rule and the proposed action's own. */
export const requiredApprovalsFor = (settings: InvestigationSettings, proposal: CheckedProposal | undefined): number =>
  Math.max(settings.requiredApprovals, proposal?.valid ? APPROVAL_LEVEL_COUNT[proposal.approval] : 1);

/**
 * The settings with the stricter of two approval rules: a priority changed during the investigation can tighten the
 * rule (a P3 raised to P1), never relax it (lowering the priority is no way around a two-person rule).
 */
export const stricterRule = (current: InvestigationSettings, other: InvestigationSettings): InvestigationSettings => ({
  ...current,
  requiredApprovals: Math.max(current.requiredApprovals, other.requiredApprovals),
  requesterMayApprove: current.requesterMayApprove && other.requesterMayApprove,
});

export interface DecisionContext {
  incident: IncidentSnapshot;
  findings: Findings | undefined;
  proposal: CheckedProposal | undefined;
  settings: InvestigationSettings;
  thread: ThreadRef;
  requester: string | undefined;
  /** Everyone who asked for the investigation (Slack user ids). */
  requesters?: readonly string[];
  /** Who opened the incident in ServiceNow, as Slack users, or why that is unknown. */
  openers?: { slackUserIds: string[] } | { unknown: string };
  /** Whether the request may still be escalated (escalations are bounded). */
  mayEscalate: boolean;
  /** Who is on call for the route, named in the message. */
  onCall?: string;
}

/** A decision request built from scratch from what is known now: nothing is carried over from an earlier request. */
export function decisionRequestOf(c: DecisionContext): ApprovalRequest {
  const runsAction = c.proposal?.valid === true;
  const choices: DecisionChoice[] = c.mayEscalate ? ['approve', 'reject', 'escalate'] : ['approve', 'reject'];
  return {
    incidentNumber: c.incident.number,
    question: runsAction ? `Run the proposed action, then resolve ${c.incident.number}?` : `Resolve ${c.incident.number} in ServiceNow?`,
    evidence: evidenceOf(c.incident, c.findings, c.proposal, c.settings.findingsTimeoutMs),
    evidenceUrl: c.findings?.url,
    sysId: c.incident.sysId,
    preview: c.proposal?.valid ? c.proposal.preview : undefined,
    choices,
    approvers: c.settings.approvers,
    approverGroups: c.settings.approverGroups,
    requiredApprovals: requiredApprovalsFor(c.settings, c.proposal),
    requester: c.requester,
    ...(c.requesters?.length ? { requesters: [...c.requesters] } : {}),
    ...(c.openers && 'unknown' in c.openers ? { openedByUnknown: c.openers.unknown } : c.openers?.slackUserIds.length ? { openedBy: [...c.openers.slackUserIds] } : {}),
    requesterMayApprove: c.settings.requesterMayApprove,
    thread: c.thread,
    reminderIntervalMs: c.settings.reminderIntervalMs,
    expiryMs: c.settings.expiryMs,
    escalationTarget: c.settings.escalationTarget,
    ...(c.onCall ? { onCall: c.onCall } : {}),
  };
}

/** Two requests ask the same thing when the question, evidence, preview, rule and who may not approve are the same. */
export const sameRequest = (a: ApprovalRequest, b: ApprovalRequest): boolean =>
  a.question === b.question &&
  a.evidence === b.evidence &&
  a.preview === b.preview &&
  a.requiredApprovals === b.requiredApprovals &&
  a.choices.join() === b.choices.join() &&
  (a.requesters ?? []).join() === (b.requesters ?? []).join() &&
  (a.openedBy ?? []).join() === (b.openedBy ?? []).join() &&
  a.openedByUnknown === b.openedByUnknown &&
  // Change only when a reassignment moves the incident to another route (its approvers, its channel's thread).
  a.approvers.join() === b.approvers.join() &&
  a.approverGroups.join() === b.approverGroups.join() &&
  a.thread.channel === b.thread.channel &&
  a.thread.ts === b.thread.ts;

/** What the ticket's close notes say after an approval. */
export function closeNotesOf(findings: Findings | undefined, approver: string, remediation?: string): string {
  const lines = [`Resolved through OpsLoop after approval by Slack user ${approver}.`];
  if (findings?.rootCause) lines.push(`Cause: ${findings.rootCause}`);
  if (findings?.recommendation) lines.push(`Action: ${findings.recommendation}`);
  if (findings?.summary) lines.push(`Findings (${findings.source}): ${findings.summary.slice(0, 2000)}`);
  if (remediation) lines.push(remediation);
  return lines.join('\n');
}
