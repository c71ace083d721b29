import { incidentStateLabel } from '../../contracts/incident-state';
import type { IncidentInvestigationInput, InvestigationResult } from '../../contracts/investigation';
import { servicenow } from '../proxies';
import { askForDecision } from './decision-round';
import { noteFindingsInTicket } from './findings-note';
import { finish } from './finish';
import { resolveApproved, runApprovedProposal } from './resolve-approved';
import { loadSettings } from './route';
import { InvestigationState } from './state';
import { openThreadAndAskInvestigator, waitForFindings } from './thread';

/**
 * One incident, start to finish: open its Slack thread and note it in the ticket, ask the investigator, put the
 * findings and a decision in front of the approvers, run an approved proposal and resolve the ticket — and stop
 * early whenever ServiceNow says the incident was finished elsewhere.
 */
export async function incidentInvestigation(input: IncidentInvestigationInput): Promise<InvestigationResult> {
  const state = new InvestigationState(input.incident ?? (await servicenow.readIncidentSnapshot(String(input.incidentNumber))), input.requestedBy);
  const { number } = state;
  const finishedElsewhere = () => `${number} was ${incidentStateLabel(state.incident.state)} in ServiceNow`;
  if (state.finishedElsewhere()) {
    await state.enterStage('resolved', `Already ${incidentStateLabel(state.incident.state)} in ServiceNow; nothing to do.`);
    return { incidentNumber: number, outcome: 'finished-elsewhere', sysModCount: state.incident.sysModCount };
  }
  await loadSettings(state);

  await openThreadAndAskInvestigator(state);
  await waitForFindings(state);
  await noteFindingsInTicket(state);
  if (state.finishedElsewhere()) return finish(state, 'finished-elsewhere', 'resolved', `${finishedElsewhere()}; OpsLoop stopped here.`);

  const decision = await askForDecision(state);
  switch (decision.outcome) {
    case 'withdrawn':
      return finish(state, 'finished-elsewhere', 'resolved', `${finishedElsewhere()}; the pending decision was withdrawn.`);
    case 'expired':
      return finish(state, 'expired', 'expired', `Nobody decided in time; ${number} was left unresolved.`);
    case 'rejected':
      return finish(state, 'rejected', 'rejected', `<@${decision.by}> rejected resolving ${number}; it stays open in ServiceNow.`, decision.by);
    case 'failed':
      return finish(state, 'failed', 'failed', `:x: ${decision.reason}`);
    case 'approved':
      break;
  }

  const { by, proposal } = decision;
  const remediated = proposal ? await runApprovedProposal(state, proposal, by) : { ok: true as const };
  if (!remediated.ok) return finish(state, 'failed', 'failed', remediated.detail, by);
  const failure = await resolveApproved(state, by, remediated.summary);
  if (failure) return finish(state, 'failed', 'failed', failure, by);
  return finish(state, 'resolved', 'resolved', `:white_check_mark: ${number} resolved in ServiceNow after approval by <@${by}>.`, by);
}
