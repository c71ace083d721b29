import { ApplicationFailure } from '@temporalio/workflow';
import { closedRequestMessage, type ApprovalOutcome, type ApprovalRequest, type DecisionInput } from '../contracts/decision';

const refuse = (message: string) => ApplicationFailure.nonRetryable(message, 'DecisionRefused');

const mayDecide = (request: ApprovalRequest, decision: DecisionInput) =>
  request.approvers.includes('*') || request.approvers.includes(decision.userId) || (decision.groups ?? []).some((g) => request.approverGroups.includes(g));

/**
 * The update validator of a decision request: throws (refusing the click, which then never reaches history) unless
 * this person may make this choice on this evidence now.
 */
export function refusalOf(request: ApprovalRequest, outcome: ApprovalOutcome | undefined, approvedBy: string[], decision: DecisionInput): void {
  if (outcome) throw refuse(closedRequestMessage(outcome));
  if (decision.evidenceHash && decision.evidenceHash !== request.evidenceHash) {
    throw refuse('This request was superseded by new evidence; decide on the new message in the thread.');
  }
  if (!mayDecide(request, decision)) throw refuse(`Only the approvers for ${request.incidentNumber} can decide; you are not one of them.`);
  if (!request.choices.includes(decision.choice)) throw refuse(`"${decision.choice}" is not a choice here.`);
  if (decision.choice === 'approve' && !request.requesterMayApprove) {
    if ([request.requester, ...(request.requesters ?? [])].includes(decision.userId)) throw refuse('You asked for this; someone else has to approve it.');
    if (request.openedBy?.includes(decision.userId)) throw refuse(`You opened ${request.incidentNumber} in ServiceNow (its caller or opener); someone else has to approve it.`);
    if (request.openedByUnknown) {
      throw refuse(`OpsLoop could not tell who opened ${request.incidentNumber} in ServiceNow (${request.openedByUnknown}), so nobody can approve this request. The Slack app needs users:read.email; once fixed, escalate to ask again.`);
    }
  }
  if (decision.choice === 'approve' && approvedBy.includes(decision.userId)) {
    throw refuse(`You already approved; ${request.requiredApprovals - approvedBy.length} more approval(s) needed from someone else.`);
  }
}
