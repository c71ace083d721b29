import { ApplicationFailure, condition, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ApprovalOutcome, ApprovalRequest, DecisionInput } from '../contracts/decision';
import { decideUpdate, withdrawApprovalSignal } from './messages';
import { slack } from './proxies';

/**
 * Asks a question in a Slack thread and waits for exactly one decision from an allowed approver. Clicks arrive as
 * the `decide` update; its validator refuses non-approvers and anything after the first decision before it reaches
 * history. Reminders mention the escalation target; at expiry the outcome is `expired`, never an approval.
 */
export async function humanApproval(request: ApprovalRequest): Promise<ApprovalOutcome> {
  const { workflowId } = workflowInfo();
  let outcome: ApprovalOutcome | undefined;

  setHandler(
    decideUpdate,
    (input: DecisionInput) => {
      const kind = input.choice === 'approve' ? 'approved' : input.choice === 'reject' ? 'rejected' : 'escalated';
      outcome = { outcome: kind, by: input.userId, at: input.clickedAt };
      return { choice: input.choice };
    },
    {
      validator: (input: DecisionInput) => {
        if (outcome) {
          throw ApplicationFailure.nonRetryable(
            outcome.outcome === 'expired' || outcome.outcome === 'withdrawn'
              ? `This decision is closed (${outcome.outcome}).`
              : `Already decided: ${outcome.outcome} by <@${outcome.by}>.`,
            'DecisionRefused',
          );
        }
        if (!request.approvers.includes(input.userId)) {
          throw ApplicationFailure.nonRetryable(`Only the approvers for ${request.incidentNumber} can decide; you are not one of them.`, 'DecisionRefused');
        }
        if (!request.choices.includes(input.choice)) {
          throw ApplicationFailure.nonRetryable(`"${input.choice}" is not a choice here.`, 'DecisionRefused');
        }
      },
    },
  );
  setHandler(withdrawApprovalSignal, (reason) => {
    outcome ??= { outcome: 'withdrawn', reason };
  });

  setCurrentDetails(`Waiting for one of ${request.approvers.length} approver(s) on **${request.incidentNumber}**.`);
  const messageTs = await slack.postApprovalRequest(request, workflowId);

  // Time is counted in timers, not read from a clock: each wait is a durable timer in history.
  let waited = 0;
  while (!outcome && waited < request.expiryMs) {
    const wait = Math.min(request.expiryMs - waited, request.reminderIntervalMs);
    const decided = await condition(() => outcome !== undefined, wait, { summary: waited + wait >= request.expiryMs ? 'expiry' : 'reminder' });
    if (decided) break;
    waited += wait;
    if (waited < request.expiryMs) {
      const mention = request.escalationTarget ? `${request.escalationTarget} ` : '';
      await slack.postThreadNote(request.thread, `${mention}:bell: Reminder: ${request.incidentNumber} is still waiting for a decision.`);
    }
  }
  outcome ??= { outcome: 'expired' };

  setCurrentDetails(`**${request.incidentNumber}**: ${outcome.outcome}.`);
  await slack.closeApprovalRequest(request, workflowId, messageTs, outcome);
  return outcome;
}
