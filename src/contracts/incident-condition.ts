/**
 * Which incidents OpsLoop handles, as one ServiceNow encoded query (e.g. `assignment_group.name=SRE^priority<=2`).
 * The same text filters twice: the Business Rule checks it with GlideFilter before posting an incident
 * (src/servicenow/business-rule.ts), and the reconcile schedule adds it to its Table API query
 * (src/clients/servicenow/changed-after-query.ts). Both must select the same incidents, so only what both evaluate
 * alike is accepted; a Table API query silently ignores a part it does not understand (it would then select more),
 * so anything else is refused here with a message that says why.
 * https://www.servicenow.com/docs/r/api-reference/rest-apis/c_TableAPI.html ("sysparm_query"),
 * https://www.servicenow.com/docs/r/api-reference/server-api-reference/c_GlideFilterScopedAPI.html
 */

export class IncidentConditionError extends Error {
  override name = 'IncidentConditionError';
}

const OPERATORS = ['ISNOTEMPTY', 'ISEMPTY', 'NOT IN', 'NOT LIKE', 'STARTSWITH', 'ENDSWITH', 'LIKE', 'IN', '!=', '>=', '<=', '=', '>', '<'] as const;
const TERM = new RegExp(`^([a-z_][a-z0-9_]*(?:\\.[a-z_][a-z0-9_]*)?)(${OPERATORS.join('|')})(.*)$`);
const EXAMPLE = 'assignment_group.name=SRE^priority<=2';

/** The condition as both places use it, or undefined for none (every incident). Throws IncidentConditionError. */
export function normaliseIncidentCondition(text: string | undefined): string | undefined {
  const condition = text?.trim();
  if (!condition) return undefined;
  if (/[\r\n\u2028\u2029]/.test(condition)) throw new IncidentConditionError(`must be one line of encoded query, like ${EXAMPLE}`);
  if (/\^NQ|\^EQ|ORDERBY|javascript:/.test(condition)) {
    throw new IncidentConditionError('may not use ^NQ, ^EQ, ORDERBY or javascript: (OpsLoop adds its own ordering and time bounds)');
  }
  const groups: string[][] = [];
  for (const [i, part] of condition.split('^').entries()) {
    const orPart = i > 0 && part.startsWith('OR');
    const term = orPart ? part.slice(2) : part;
    const m = TERM.exec(term);
    if (!m) throw new IncidentConditionError(`"${term}" is not field, operator, value (operators: ${OPERATORS.join(', ')}), like ${EXAMPLE}`);
    const [, , op, value] = m as unknown as [string, string, string, string];
    if ((op === 'ISEMPTY' || op === 'ISNOTEMPTY') !== (value === '')) throw new IncidentConditionError(`"${term}": ISEMPTY and ISNOTEMPTY take no value, the other operators one`);
    if (orPart) groups[groups.length - 1]!.push(term);
    else groups.push([term]);
  }
  // GlideFilter counts an empty value as matching < and <=, a Table API query does not: an explicit ISNOTEMPTY makes
  // both skip it. Inside an ^OR group that cannot be added, so it is refused there.
  const terms = groups.flatMap((group) => {
    const less = group.map((t) => TERM.exec(t)!).filter((m) => m[2] === '<' || m[2] === '<=');
    if (less.length > 0 && group.length > 1) throw new IncidentConditionError(`"${group.join('^OR')}": < and <= cannot be ORed (empty values would match in the Business Rule only)`);
    return [group.join('^OR'), ...less.map((m) => `${m[1]}ISNOTEMPTY`)];
  });
  return [...new Set(terms)].join('^');
}
