import { allHandlersFinished, condition, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ApprovalOutcome, ApprovalRequest, DecisionInput } from '../contracts/decision';
import { approvalStatusQuery, decideUpdate, supersedeApprovalSignal, withdrawApprovalSignal } from '../contracts/messages';
import { sha256Hex } from '../contracts/sha256';
import { recordAudit } from './audit-trail';
import { refusalOf } from './approval-rules';
import { servicenow, slack } from './proxies';

/** What was shown, hashed: the question and the evidence (findings, proposed action and its parameters). */
export const evidenceHashOf = (question: string, evidence: string): string => sha256Hex(`${question}\n\n${evidence}`);

const plain = (markdown: string) => markdown.replace(/[*_`#>]/g, '').replace(/\s+/g, ' ').trim();

/**
 * One decision request in a Slack thread: N distinct approvals from allowed approvers (the rule fixed in the request),
 * or one rejection or escalation. The request is bound to the evidence shown (its sha256 rides on the buttons). It
 * never changes while pending: when the evidence or the proposal changes, the caller supersedes it and asks a new
 * request with the rule recomputed. Each decision is written once to the ticket's work notes and the audit trail.
 * Expiry gives `expired`, never an approval.
 */
export async function humanApproval(input: ApprovalRequest): Promise<ApprovalOutcome> {
  const { workflowId, runId } = workflowInfo();
  const request: ApprovalRequest = { ...input, evidenceHash: evidenceHashOf(input.question, input.evidence) };
  const approvedBy: string[] = [];
  let outcome: ApprovalOutcome | undefined;
  let decisions = 0;

  /** One work note per decision; the id in its first line makes a retried write a no-op. */
  const decisionRecord = async (label: string, what: string, comment?: string) => {
    if (!request.sysId) return;
    const marker = `[OpsLoop decision ${workflowId}/${runId}/${label}]`;
    const lines = [`${marker} ${what}`, `Question: ${request.question}`, `Evidence sha256: ${request.evidenceHash}`, `Evidence: ${plain(request.evidence).slice(0, 300)}`];
    await servicenow.addWorkNoteOnce(request.sysId, marker, [...lines, ...(comment ? [`Comment: ${comment}`] : [])].join('\n'));
  };

  setHandler(
    decideUpdate,
    async (decision: DecisionInput) => {
      const label = `decision-${++decisions}`;
      if (decision.choice === 'approve') {
        approvedBy.push(decision.userId);
        if (approvedBy.length >= request.requiredApprovals) outcome = { outcome: 'approved', by: decision.userId, at: decision.clickedAt, approvers: [...approvedBy] };
      } else {
        outcome = { outcome: decision.choice === 'reject' ? 'rejected' : 'escalated', by: decision.userId, at: decision.clickedAt };
      }
      const who = `${decision.userName ?? decision.userId} (Slack ${decision.userId})${decision.clickedAt ? ` at ${decision.clickedAt}` : ''}`;
      const what = decision.choice === 'approve' ? `approval ${approvedBy.length} of ${request.requiredApprovals}` : decision.choice;
      await Promise.all([
        recordAudit(label, {
          source: decision.source ?? 'button',
          action: 'decide',
          actorId: decision.userId,
          actorName: decision.userName,
          channelId: request.thread.channel,
          decision: decision.choice,
          text: decision.comment,
          incidentNumber: request.incidentNumber,
          result: 'accepted',
          reason: `evidence ${request.evidenceHash}`,
        }),
        decisionRecord(label, `${what} by ${who}`, decision.comment),
      ]);
      return { choice: decision.choice };
    },
    { validator: (decision: DecisionInput) => refusalOf(request, outcome, approvedBy, decision) },
  );
  setHandler(withdrawApprovalSignal, (reason) => void (outcome ??= { outcome: 'withdrawn', reason }));
  setHandler(supersedeApprovalSignal, (reason) => void (outcome ??= { outcome: 'superseded', reason }));
  setHandler(approvalStatusQuery, () => ({
    evidenceHash: request.evidenceHash ?? '',
    preview: request.preview,
    approvers: request.approvers,
    requiredApprovals: request.requiredApprovals,
    approvedBy: [...approvedBy],
    outcome: outcome?.outcome,
  }));

  setCurrentDetails(`Waiting for ${request.requiredApprovals} of the approvers on **${request.incidentNumber}**.`);
  const messageTs = await slack.postApprovalRequest(request, workflowId);

  // Time is counted in timers, not read from a clock: each wait is a durable timer in history.
  let waited = 0;
  let shownApprovals = 0;
  while (!outcome && waited < request.expiryMs) {
    const wait = Math.min(request.expiryMs - waited, request.reminderIntervalMs);
    const changed = await condition(() => outcome !== undefined || approvedBy.length !== shownApprovals, wait, { summary: waited + wait >= request.expiryMs ? 'expiry' : 'reminder' });
    if (changed) {
      if (outcome) break;
      shownApprovals = approvedBy.length;
      await slack.refreshApprovalRequest(request, workflowId, messageTs, [...approvedBy]);
      continue;
    }
    waited += wait;
    if (waited < request.expiryMs) {
      const mention = request.escalationTarget ? `${request.escalationTarget} ` : '';
      await slack.postThreadNote(request.thread, `${mention}:bell: Reminder: ${request.incidentNumber} is still waiting for a decision.`);
    }
  }
  const decided: ApprovalOutcome = outcome ?? { outcome: 'expired' };
  outcome = decided;

  setCurrentDetails(`**${request.incidentNumber}**: ${decided.outcome}.`);
  const closing: Promise<void>[] = [slack.closeApprovalRequest(request, workflowId, messageTs, decided)];
  if (decided.outcome === 'expired') closing.push(decisionRecord('outcome', 'expired without a decision; nothing was approved'));
  if (decided.outcome === 'withdrawn') closing.push(decisionRecord('outcome', `withdrawn: ${decided.reason}`));
  if (decided.outcome === 'superseded') closing.push(decisionRecord('outcome', `superseded by new evidence (${decided.reason}) before a decision; asked again as a new request`));
  closing.push(
    recordAudit('outcome', {
      source: 'workflow',
      action: decided.outcome === 'superseded' ? 'approval-superseded' : 'approval-outcome',
      incidentNumber: request.incidentNumber,
      decision: decided.outcome,
      actorId: 'by' in decided ? decided.by : undefined,
      result: decided.outcome,
      reason: `evidence ${request.evidenceHash}`,
    }),
  );
  await Promise.all(closing);
  await condition(allHandlersFinished);
  return decided;
}
