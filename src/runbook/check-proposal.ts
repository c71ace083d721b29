import type { CheckedProposal, ProposalSource } from '../contracts/runbook';
import type { Catalog } from './catalog-schema';
import { mapMitigation } from './map-mitigation';
import { ParamError, parseParams } from './params';
import { describePlan, planAction } from './plan';

/** Validates a named proposal against the catalog action of that name, exactly as `/ops run` validates arguments. */
function checkNamed(catalog: Catalog, proposal: { name: string; params: Record<string, string> }): CheckedProposal {
  const label = `${proposal.name}${Object.values(proposal.params).map((v) => ` ${v}`).join('')}`.slice(0, 200);
  const action = catalog.actions.find((a) => a.name === proposal.name);
  if (!action) return { valid: false, label, reason: `no catalog action named ${proposal.name}` };
  try {
    const params = parseParams(action, Object.entries(proposal.params).map(([k, v]) => `${k}=${v}`), catalog);
    const plan = planAction(action, params, catalog);
    const rule = action.approval === 'two' ? 'two approvers' : 'one approver at least';
    return { valid: true, actionName: action.name, params, plan, timeoutMs: action.timeoutMs, approval: action.approval, label, preview: `\`${describePlan(plan)}\` · timeout ${Math.round(action.timeoutMs / 1000)} s · approval: ${rule}` };
  } catch (err) {
    if (err instanceof ParamError) return { valid: false, label, reason: err.message };
    throw err;
  }
}

/**
 * What an agent proposes, checked against the catalog: a catalog action it named, or its mitigation plan mapped to one
 * by the catalog's reviewed `proposals:` rules (none matches: nothing is proposed). Nothing free-form ever runs.
 */
export function checkProposalAgainst(catalog: Catalog, source: ProposalSource): CheckedProposal | undefined {
  if (!('mitigation' in source)) return checkNamed(catalog, source);
  const mapped = mapMitigation(catalog.proposals ?? [], source.mitigation, source.incident);
  return mapped && { ...checkNamed(catalog, mapped), origin: mapped.origin };
}
