import { condition, startChild, type ChildWorkflowHandle } from '@temporalio/workflow';
import type { ApprovalOutcome, ApprovalRequest } from '../../contracts/decision';
import { incidentStateLabel } from '../../contracts/incident-state';
import { supersedeApprovalSignal, withdrawApprovalSignal } from '../../contracts/messages';
import type { CheckedProposal } from '../../contracts/runbook';
import { IncidentNumber, OpsStage } from '../../contracts/search-attributes';
import { approvalWorkflowId } from '../../contracts/workflow-ids';
import { humanApproval } from '../human-approval';
import { slack } from '../proxies';
import { decisionRequestOf, sameRequest } from './evidence';
import { readOpeners } from './openers';
import { proposalChecker } from './proposal-checker';
import { reasonOf } from './reason-of';
import { followIncident, routeStale } from './route';
import { onCallNow, pageDue, pageEscalation, pageUnanswered, pageWhenAsked, resolvePages } from './paging';
import type { InvestigationState } from './state';

/** Escalation asks again with the same approvers; this bounds how often. */
const MAX_ESCALATIONS = 2;

export type Decision =
  | { outcome: 'approved'; by: string; proposal?: Extract<CheckedProposal, { valid: true }> }
  | { outcome: 'rejected'; by: string }
  | { outcome: 'expired' | 'withdrawn' }
  | { outcome: 'failed'; reason: string };

type Pending = { outcome?: ApprovalOutcome; error?: unknown };

/** Waits for the request's outcome; supersedes it when what it asks changed, withdraws it when the incident finished. */
async function outcomeOf(state: InvestigationState, child: ChildWorkflowHandle<typeof humanApproval>, asked: ApprovalRequest, proposals: ReturnType<typeof proposalChecker>, build: (p: CheckedProposal | undefined) => ApprovalRequest) {
  const pending: Pending = {};
  void child.result().then(
    (o) => (pending.outcome = o),
    (err: unknown) => (pending.error = err ?? 'unknown failure'),
  );
  const settled = () => pending.outcome !== undefined || pending.error !== undefined;
  let proposal = await proposals.current();
  const changed = () => proposals.stale() || !sameRequest(build(proposal), asked);
  while (!settled()) {
    await condition(() => settled() || state.finishedElsewhere() || changed() || routeStale(state) || pageDue(state));
    if (settled()) break;
    if (pageDue(state)) {
      await pageUnanswered(state);
      continue;
    }
    if (!state.finishedElsewhere() && routeStale(state) && !changed()) {
      // Only a routing field changed (the group, the CI): read the route again; the request stands unless that moved it.
      await followIncident(state);
      if (sameRequest(build(proposal), asked)) continue;
    }
    if (state.finishedElsewhere()) {
      await child.signal(withdrawApprovalSignal, `${state.number} was ${incidentStateLabel(state.incident.state)} in ServiceNow.`);
    } else {
      const byFindings = proposals.newFindings();
      proposal = await proposals.current();
      await followIncident(state);
      if (sameRequest(build(proposal), asked)) continue;
      await child.signal(supersedeApprovalSignal, byFindings ? 'new findings' : 'a change to the incident in ServiceNow');
    }
    await condition(settled);
  }
  return pending;
}

/**
 * Puts the decision in front of the approvers and returns it. Every request is built from scratch from what is known
 * now (question, evidence, preview and the approval rule of the incident and of the proposed action); when any of it
 * changes while pending, the request is superseded and a new one is asked. An approval therefore always carries the
 * proposal its approvers saw, under that proposal's own rule.
 */
export async function askForDecision(state: InvestigationState): Promise<Decision> {
  try {
    return await decide(state);
  } finally {
    await resolvePages(state);
  }
}

async function decide(state: InvestigationState): Promise<Decision> {
  const proposals = proposalChecker(state);
  let escalations = 0;
  for (let n = 1; ; n++) {
    if (state.finishedElsewhere()) return { outcome: 'withdrawn' };
    await followIncident(state);
    await readOpeners(state);
    const proposal = await proposals.current();
    const onCall = await onCallNow(state);
    const build = (p: CheckedProposal | undefined) =>
      decisionRequestOf({ incident: state.incident, findings: state.findings, proposal: p, settings: state.settings, thread: state.thread, requester: state.requesters[0], requesters: state.requesters, openers: state.openers, mayEscalate: escalations < MAX_ESCALATIONS, onCall });
    const request = build(proposal);
    if (state.stage !== 'awaiting-decision') {
      await state.enterStage('awaiting-decision', state.findings ? 'Findings posted; waiting for an approver.' : 'Waiting for an approver (no findings).');
    }
    const workflowId = approvalWorkflowId(state.number, n);
    const child = await startChild(humanApproval, {
      workflowId,
      args: [request],
      staticSummary: `${state.number} · P${state.incident.priority} · decision ${n}`,
      typedSearchAttributes: [
        { key: IncidentNumber, value: state.number },
        { key: OpsStage, value: 'awaiting-decision' },
      ],
    });
    state.pendingApproval = { workflowId, approvers: request.approvers, requiredApprovals: request.requiredApprovals };
    await pageWhenAsked(state);
    const { outcome, error } = await outcomeOf(state, child, request, proposals, build);
    state.pendingApproval = undefined;
    if (error !== undefined || !outcome) return { outcome: 'failed', reason: `The decision request failed: ${reasonOf(error)}` };
    switch (outcome.outcome) {
      case 'superseded':
        continue;
      case 'escalated':
        escalations++;
        await slack.postThreadNote(state.thread, `${state.settings.escalationTarget ?? ''} :arrow_double_up: <@${outcome.by}> escalated ${state.number}.`.trim());
        await pageEscalation(state, outcome.by);
        continue;
      case 'approved':
        return { outcome: 'approved', by: outcome.by, proposal: proposal?.valid ? proposal : undefined };
      case 'rejected':
        return { outcome: 'rejected', by: outcome.by };
      case 'expired':
      case 'withdrawn':
        return { outcome: outcome.outcome };
    }
  }
}
