import { PROPOSAL_INCIDENT_FIELDS, type ProposalIncidentFields } from '../contracts/runbook';

/**
 * The parameter templates of the catalog's `proposals:`: literal text with `{incident.<field>}` (one of
 * PROPOSAL_INCIDENT_FIELDS) and `{match.<group>}` (a named capture group of the rule's pattern). Nothing else is
 * substituted, so a template can only name what a reviewer sees in the file.
 */
const PLACEHOLDER = /\{([^{}]*)\}/g;
const REFERENCE = /^(incident|match)\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** Compiles a rule's pattern; throws SyntaxError when it is not a valid regular expression. */
export const compileRule = (pattern: string, ignoreCase: boolean): RegExp => new RegExp(pattern, ignoreCase ? 'i' : '');

/** The names of the pattern's named capture groups (an empty alternative matches '' and lists them all). */
export const namedGroupsOf = (pattern: string): string[] => Object.keys(new RegExp(`(?:${pattern})|`).exec('')?.groups ?? {});

/** Why a template cannot be filled from these groups and the incident's fields, one reason per bad placeholder. */
export function templateProblems(template: string, groups: readonly string[]): string[] {
  return [...template.matchAll(PLACEHOLDER)].flatMap(([whole, inner]) => {
    const ref = REFERENCE.exec(inner!);
    if (!ref) return [`unknown placeholder ${whole}: use {incident.<field>} or {match.<named group>}`];
    const [, scope, key] = ref as unknown as [string, 'incident' | 'match', string];
    if (scope === 'incident' && !(PROPOSAL_INCIDENT_FIELDS as readonly string[]).includes(key)) {
      return [`unknown incident field "${key}" in ${whole}; the fields are ${PROPOSAL_INCIDENT_FIELDS.join(', ')}`];
    }
    if (scope === 'match' && !groups.includes(key)) return [`the pattern has no named group "${key}" for ${whole}`];
    return [];
  });
}

/** Fills a template checked by templateProblems; a group that took no part in the match fills in as ''. */
export const fillTemplate = (template: string, groups: Record<string, string | undefined>, incident: ProposalIncidentFields): string =>
  template.replace(PLACEHOLDER, (whole, inner: string) => {
    const [, scope, key] = REFERENCE.exec(inner) ?? [];
    if (scope === 'incident') return incident[key as keyof ProposalIncidentFields] ?? '';
    if (scope === 'match') return groups[key!] ?? '';
    return whole;
  });
