import { ApplicationFailure, allHandlersFinished, condition, patched, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ApprovalOutcome, ApprovalRequest, DecisionInput } from '../contracts/decision';
import { sha256Hex } from '../contracts/sha256';
import { recordAudit } from './audit-trail';
import { approvalStatusQuery, decideUpdate, evidenceChangedSignal, withdrawApprovalSignal } from '../contracts/messages';
import { servicenow, slack } from './proxies';

/** Histories recorded before decision records existed replay without writing them. */
const DECISION_NOTES_PATCH = 'decision-notes-v1';

const refuse = (message: string) => ApplicationFailure.nonRetryable(message, 'DecisionRefused');

/** What was shown, hashed: the question and the evidence (findings, proposed action and its parameters). */
export const evidenceHashOf = (question: string, evidence: string): string => sha256Hex(`${question}\n\n${evidence}`);

const plain = (markdown: string) => markdown.replace(/[*_`#>]/g, '').replace(/\s+/g, ' ').trim();

/**
 * Asks a question in a Slack thread and waits for the decision of allowed approvers: N distinct approvals (the rule
 * recorded in the request when it was asked), or one rejection or escalation. Every request is bound to the evidence
 * shown (its sha256 rides on the buttons); when the evidence changes while pending, the request is withdrawn as
 * superseded and asked again, and clicks on the old message are refused. Each decision is written once to the
 * incident's work notes and the audit trail. Expiry gives `expired`, never an approval.
 */
export async function humanApproval(request: ApprovalRequest): Promise<ApprovalOutcome> {
  const { workflowId, runId } = workflowInfo();
  const required = request.requiredApprovals ?? 1;
  let current: ApprovalRequest = { ...request, evidenceHash: evidenceHashOf(request.question, request.evidence) };
  let approvedBy: string[] = [];
  let outcome: ApprovalOutcome | undefined;
  let newEvidence: string | undefined;
  let decisions = 0;

  /** One work note per decision; the id in its first line makes a retried write a no-op. */
  const decisionRecord = async (label: string, what: string, comment?: string) => {
    if (!current.sysId || !patched(DECISION_NOTES_PATCH)) return;
    const marker = `[OpsLoop decision ${workflowId}/${runId}/${label}]`;
    const lines = [
      `${marker} ${what}`,
      `Question: ${current.question}`,
      `Evidence sha256: ${current.evidenceHash}`,
      `Evidence: ${plain(current.evidence).slice(0, 300)}`,
      ...(comment ? [`Comment: ${comment}`] : []),
    ];
    await servicenow.addWorkNoteOnce(current.sysId, marker, lines.join('\n'));
  };

  const mayDecide = (input: DecisionInput) =>
    request.approvers.includes('*') ||
    request.approvers.includes(input.userId) ||
    (input.groups ?? []).some((g) => (request.approverGroups ?? []).includes(g));

  setHandler(
    decideUpdate,
    async (input: DecisionInput) => {
      decisions++;
      const label = `decision-${decisions}`;
      if (input.choice === 'approve') {
        approvedBy.push(input.userId);
        if (approvedBy.length >= required) outcome = { outcome: 'approved', by: input.userId, at: input.clickedAt, approvers: [...approvedBy] };
      } else {
        outcome = { outcome: input.choice === 'reject' ? 'rejected' : 'escalated', by: input.userId, at: input.clickedAt };
      }
      await recordAudit(label, {
        source: input.source ?? 'button',
        action: 'decide',
        actorId: input.userId,
        actorName: input.userName,
        channelId: request.thread.channel,
        decision: input.choice,
        text: input.comment,
        incidentNumber: request.incidentNumber,
        result: 'accepted',
        reason: `evidence ${current.evidenceHash}`,
      });
      const who = `${input.userName ?? input.userId} (Slack ${input.userId})${input.clickedAt ? ` at ${input.clickedAt}` : ''}`;
      await decisionRecord(label, `${input.choice === 'approve' ? `approval ${approvedBy.length} of ${required}` : input.choice} by ${who}`, input.comment);
      return { choice: input.choice };
    },
    {
      validator: (input: DecisionInput) => {
        if (outcome) {
          throw refuse(
            outcome.outcome === 'expired' || outcome.outcome === 'withdrawn'
              ? `This decision is closed (${outcome.outcome}).`
              : `Already decided: ${outcome.outcome} by <@${outcome.by}>.`,
          );
        }
        if (input.evidenceHash && input.evidenceHash !== current.evidenceHash) {
          throw refuse('This request was superseded by new evidence; decide on the new message in the thread.');
        }
        if (!mayDecide(input)) throw refuse(`Only the approvers for ${request.incidentNumber} can decide; you are not one of them.`);
        if (!request.choices.includes(input.choice)) throw refuse(`"${input.choice}" is not a choice here.`);
        if (input.choice === 'approve' && input.userId === request.requester && !request.requesterMayApprove) {
          throw refuse('You asked for this; someone else has to approve it.');
        }
        if (input.choice === 'approve' && approvedBy.includes(input.userId)) {
          throw refuse(`You already approved; ${required - approvedBy.length} more approval(s) needed from someone else.`);
        }
      },
    },
  );
  setHandler(withdrawApprovalSignal, (reason) => {
    outcome ??= { outcome: 'withdrawn', reason };
  });
  setHandler(evidenceChangedSignal, (evidence) => {
    if (!outcome) newEvidence = evidence;
  });
  setHandler(approvalStatusQuery, () => ({
    evidenceHash: current.evidenceHash ?? '',
    preview: request.preview,
    approvers: request.approvers,
    requiredApprovals: required,
    approvedBy: [...approvedBy],
    outcome: outcome?.outcome,
  }));

  setCurrentDetails(`Waiting for ${required} of the approvers on **${request.incidentNumber}**.`);
  let messageTs = await slack.postApprovalRequest(current, workflowId);

  // Time is counted in timers, not read from a clock: each wait is a durable timer in history.
  let waited = 0;
  let shownApprovals = 0;
  let superseded = 0;
  while (!outcome && waited < request.expiryMs) {
    const wait = Math.min(request.expiryMs - waited, request.reminderIntervalMs);
    const changed = await condition(() => outcome !== undefined || approvedBy.length !== shownApprovals || newEvidence !== undefined, wait, {
      summary: waited + wait >= request.expiryMs ? 'expiry' : 'reminder',
    });
    if (changed) {
      if (!outcome && newEvidence !== undefined) {
        const evidence = newEvidence;
        newEvidence = undefined;
        const hash = evidenceHashOf(request.question, evidence);
        if (hash !== current.evidenceHash) {
          superseded++;
          await slack.closeApprovalRequest(current, workflowId, messageTs, { outcome: 'withdrawn', reason: 'superseded by new findings' });
          await decisionRecord(`superseded-${superseded}`, `superseded by new evidence (sha256 ${hash}) before a decision`);
          await recordAudit(`superseded-${superseded}`, { source: 'workflow', action: 'approval-superseded', incidentNumber: request.incidentNumber, result: 'superseded', reason: `evidence ${current.evidenceHash} → ${hash}` });
          // Approvals were given to the old evidence; the new one needs its own.
          approvedBy = [];
          shownApprovals = 0;
          current = { ...current, evidence, evidenceHash: hash };
          messageTs = await slack.postApprovalRequest(current, workflowId);
        }
      } else if (!outcome && approvedBy.length !== shownApprovals) {
        shownApprovals = approvedBy.length;
        await slack.refreshApprovalRequest(current, workflowId, messageTs, [...approvedBy]);
      }
      continue;
    }
    waited += wait;
    if (waited < request.expiryMs) {
      const mention = request.escalationTarget ? `${request.escalationTarget} ` : '';
      await slack.postThreadNote(request.thread, `${mention}:bell: Reminder: ${request.incidentNumber} is still waiting for a decision.`);
    }
  }
  outcome ??= { outcome: 'expired' };

  setCurrentDetails(`**${request.incidentNumber}**: ${outcome.outcome}.`);
  await slack.closeApprovalRequest(current, workflowId, messageTs, outcome);
  if (outcome.outcome === 'expired' || outcome.outcome === 'withdrawn') {
    await decisionRecord('outcome', outcome.outcome === 'expired' ? 'expired without a decision; nothing was approved' : `withdrawn: ${outcome.reason}`);
  }
  await recordAudit('outcome', {
    source: 'workflow',
    action: 'approval-outcome',
    incidentNumber: request.incidentNumber,
    decision: outcome.outcome,
    actorId: 'by' in outcome ? outcome.by : undefined,
    result: outcome.outcome,
    reason: `evidence ${current.evidenceHash}`,
  });
  await condition(allHandlersFinished);
  return outcome;
}
