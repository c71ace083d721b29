import { patched } from '@temporalio/workflow';
import { PROPOSAL_INCIDENT_FIELDS, type CheckedProposal, type ProposalIncidentFields, type ProposalSource } from '../../contracts/runbook';
import type { Findings } from '../../contracts/schemas/findings';
import { PATCH } from '../patches';
import { runbook } from '../proxies';
import type { InvestigationState } from './state';

const proposalFieldsOf = (incident: InvestigationState['incident']): ProposalIncidentFields =>
  Object.fromEntries(PROPOSAL_INCIDENT_FIELDS.map((field) => [field, incident[field]])) as ProposalIncidentFields;

/**
 * What the current findings propose: a catalog action the agent named (other agents, through the findings callback),
 * else its mitigation plan mapped by the catalog's `proposals:` rules. A mapping may fill parameters from the
 * incident's fields, so it is asked again when those change, not only when new findings arrive.
 */
function sourceOf(findings: Findings | undefined, incident: InvestigationState['incident']): ProposalSource | undefined {
  if (findings?.proposedAction) return findings.proposedAction;
  if (findings?.mitigation) return { mitigation: findings.mitigation, incident: proposalFieldsOf(incident) };
  return undefined;
}

/** The proposal of the current findings, checked against the catalog by the worker once per source it depends on. */
export function proposalChecker(state: InvestigationState) {
  let checkedFindings: Findings | undefined | null = null;
  let checkedSource = '';
  let proposal: CheckedProposal | undefined;
  const sourceKey = () => JSON.stringify(sourceOf(state.findings, state.incident) ?? null);
  return {
    /** Whether the findings changed since the last check. */
    newFindings: () => checkedFindings !== state.findings,
    /** Whether what the proposal is checked from (findings, or the incident's fields a mapping may use) changed. */
    stale: () => checkedFindings !== state.findings || checkedSource !== sourceKey(),
    async current(): Promise<CheckedProposal | undefined> {
      while (checkedFindings !== state.findings || checkedSource !== sourceKey()) {
        const findings = state.findings;
        const key = sourceKey();
        const source = sourceOf(findings, state.incident);
        // Mapping a mitigation plan schedules an activity that runs recorded before 1.1.0 did not.
        const mapsPlan = source !== undefined && 'mitigation' in source && patched(PATCH.mitigationProposals);
        proposal = source && ('name' in source || mapsPlan) ? await runbook.checkProposal(source) : undefined;
        checkedFindings = findings;
        checkedSource = key;
      }
      return proposal;
    },
  };
}
