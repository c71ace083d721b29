import { ApplicationFailure, allHandlersFinished, condition, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ApprovalOutcome, ApprovalRequest, DecisionInput } from '../contracts/decision';
import { recordAudit } from './audit-trail';
import { approvalStatusQuery, decideUpdate, withdrawApprovalSignal } from './messages';
import { slack } from './proxies';

const refuse = (message: string) => ApplicationFailure.nonRetryable(message, 'DecisionRefused');

/**
 * Asks a question in a Slack thread and waits for the decision of allowed approvers: N distinct approvals
 * (the rule recorded in the request when it was asked), or one rejection or escalation. Clicks arrive as the
 * `decide` update; its validator refuses non-approvers, the requester approving their own request, a second
 * approval by the same person and anything after the outcome, before it reaches history. Reminders mention the
 * escalation target; at expiry the outcome is `expired`, never an approval.
 */
export async function humanApproval(request: ApprovalRequest): Promise<ApprovalOutcome> {
  const { workflowId } = workflowInfo();
  const required = request.requiredApprovals ?? 1;
  const approvedBy: string[] = [];
  let outcome: ApprovalOutcome | undefined;
  let decisions = 0;

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
        incidentNumber: request.incidentNumber,
        result: 'accepted',
      });
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
  setHandler(approvalStatusQuery, () => ({ approvers: request.approvers, requiredApprovals: required, approvedBy: [...approvedBy], outcome: outcome?.outcome }));

  setCurrentDetails(`Waiting for ${required} of the approvers on **${request.incidentNumber}**.`);
  const messageTs = await slack.postApprovalRequest(request, workflowId);

  // Time is counted in timers, not read from a clock: each wait is a durable timer in history.
  let waited = 0;
  let shownApprovals = 0;
  while (!outcome && waited < request.expiryMs) {
    const wait = Math.min(request.expiryMs - waited, request.reminderIntervalMs);
    const changed = await condition(() => outcome !== undefined || approvedBy.length !== shownApprovals, wait, {
      summary: waited + wait >= request.expiryMs ? 'expiry' : 'reminder',
    });
    if (changed) {
      if (!outcome && approvedBy.length !== shownApprovals) {
        shownApprovals = approvedBy.length;
        await slack.refreshApprovalRequest(request, workflowId, messageTs, [...approvedBy]);
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
  await slack.closeApprovalRequest(request, workflowId, messageTs, outcome);
  await recordAudit('outcome', {
    source: 'workflow',
    action: 'approval-outcome',
    incidentNumber: request.incidentNumber,
    decision: outcome.outcome,
    actorId: 'by' in outcome ? outcome.by : undefined,
    result: outcome.outcome,
  });
  await condition(allHandlersFinished);
  return outcome;
}
