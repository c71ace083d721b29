import type { ProposalIncidentFields, ProposalOrigin } from '../contracts/runbook';
import type { ProposalRule } from './catalog-schema';
import { compileRule, fillTemplate } from './proposal-template';

export interface MappedProposal {
  name: string;
  /** Filled from the rule's templates, not yet validated: the action's own parameter rules decide. */
  params: Record<string, string>;
  origin: ProposalOrigin;
}

/** Lines longer than this are matched on their start only, so a reviewed pattern never scans a pasted blob. */
const MAX_LINE = 1000;

/**
 * The catalog action a mitigation plan proposes under the catalog's reviewed `proposals:` rules: the first rule, in
 * file order, whose pattern matches one line of the plan (its first such line). No rule matches: undefined.
 */
export function mapMitigation(rules: readonly ProposalRule[], mitigation: string, incident: ProposalIncidentFields): MappedProposal | undefined {
  const lines = mitigation.split(/\r?\n/).map((line) => line.slice(0, MAX_LINE));
  for (const rule of rules) {
    const pattern = compileRule(rule.match, rule.ignoreCase);
    for (const line of lines) {
      const match = pattern.exec(line);
      if (!match) continue;
      const groups = match.groups ?? {};
      const params = Object.fromEntries(Object.entries(rule.params).map(([key, template]) => [key, fillTemplate(template, groups, incident)]));
      return { name: rule.action, params, origin: { rule: rule.name, line: line.trim().slice(0, 200) } };
    }
  }
  return undefined;
}
