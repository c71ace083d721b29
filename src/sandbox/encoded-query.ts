/**
 * Encoded queries as the sandbox ServiceNow evaluates them, for the Table API's sysparm_query and for GlideFilter (the
 * Business Rule's condition). Syntax and operators: the Table API's sysparm_query
 * (https://www.servicenow.com/docs/r/api-reference/rest-apis/c_TableAPI.html) and "Encoded query strings"
 * (https://www.servicenow.com/docs/r/platform-user-interface/c_EncodedQueryStrings.html): `^` is AND, `^OR` ORs a
 * condition with the one before it, `^NQ` starts a new query ORed with the others, `ORDERBY`/`ORDERBYDESC` sort, and
 * dot-walking (`assignment_group.name=SRE`) reads a field of the referenced record. An invalid part (unknown operator
 * or field) is ignored, as the Table API does unless glide.invalid_query.returns_no_rows is set.
 * GlideRecord queries are case-insensitive and skip empty values for `<`/`>`; GlideFilter is case-sensitive unless
 * setCaseSensitive(false) and counts an empty value as matching `<`
 * (https://www.servicenow.com/docs/r/api-reference/server-api-reference/c_GlideFilterScopedAPI.html).
 */

/** A field's value on a record, dot-walking through references; undefined when the record has no such field. */
export type FieldReader = (field: string) => string | undefined;

interface Term {
  field: string;
  op: string;
  value: string;
}

export interface EncodedQuery {
  /** Blocks joined by ^NQ (OR); each block is an AND of OR-groups of terms. */
  blocks: Term[][][];
  order: { field: string; desc: boolean }[];
}

const OPERATORS = ['ISNOTEMPTY', 'ISEMPTY', 'NOT IN', 'NOT LIKE', 'STARTSWITH', 'ENDSWITH', 'LIKE', 'IN', '!=', '>=', '<=', '=', '>', '<'];
const TERM = new RegExp(`^([a-z_][a-z0-9_.]*?)(${OPERATORS.map((op) => op.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(.*)$`);

function parseTerm(text: string): Term | undefined {
  const m = TERM.exec(text);
  if (!m) return undefined;
  const [, field, op, value] = m as unknown as [string, string, string, string];
  if ((op === 'ISEMPTY' || op === 'ISNOTEMPTY') && value !== '') return undefined;
  return { field, op, value };
}

export function parseEncodedQuery(query: string | undefined): EncodedQuery {
  const parsed: EncodedQuery = { blocks: [], order: [] };
  for (const blockText of (query ?? '').split('^NQ')) {
    const block: Term[][] = [];
    for (const part of blockText.split('^')) {
      if (part === '' || part === 'EQ') continue;
      if (part.startsWith('ORDERBYDESC')) parsed.order.push({ field: part.slice('ORDERBYDESC'.length), desc: true });
      else if (part.startsWith('ORDERBY')) parsed.order.push({ field: part.slice('ORDERBY'.length), desc: false });
      else if (part.startsWith('OR') && block.length > 0) {
        const term = parseTerm(part.slice(2));
        if (term) block[block.length - 1]!.push(term);
      } else {
        const term = parseTerm(part);
        if (term) block.push([term]);
      }
    }
    parsed.blocks.push(block);
  }
  return parsed;
}

export interface MatchMode {
  caseSensitive: boolean;
  /** GlideFilter: an empty value matches `<` and `<=`; a GlideRecord query skips it. */
  emptyMatchesLess: boolean;
}

/** The Table API (a GlideRecord query). */
export const QUERY_MODE: MatchMode = { caseSensitive: false, emptyMatchesLess: false };

/** Integer columns compare as numbers; strings, sys_ids and "YYYY-MM-DD HH:mm:ss" dates compare as text. */
const INTEGER_FIELDS = new Set(['state', 'incident_state', 'priority', 'urgency', 'impact', 'sys_mod_count', 'reassignment_count']);
export function compareValues(field: string, a: string, b: string): number {
  if (INTEGER_FIELDS.has(field.split('.').pop() ?? field)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True, false, or undefined when the term names a field the record does not have (the term is then ignored). */
function termMatches(term: Term, read: FieldReader, mode: MatchMode): boolean | undefined {
  const raw = read(term.field);
  if (raw === undefined) return undefined;
  const fold = (s: string) => (mode.caseSensitive ? s : s.toLowerCase());
  const actual = fold(raw);
  const value = fold(term.value);
  switch (term.op) {
    case 'ISEMPTY':
      return raw === '';
    case 'ISNOTEMPTY':
      return raw !== '';
    case '=':
      return actual === value;
    case '!=':
      return actual !== value;
    case 'IN':
      return value.split(',').includes(actual);
    case 'NOT IN':
      return !value.split(',').includes(actual);
    case 'LIKE':
      return actual.includes(value);
    case 'NOT LIKE':
      return !actual.includes(value);
    case 'STARTSWITH':
      return actual.startsWith(value);
    case 'ENDSWITH':
      return actual.endsWith(value);
  }
  if (raw === '') return mode.emptyMatchesLess && (term.op === '<' || term.op === '<=');
  const c = compareValues(term.field, raw, term.value);
  return term.op === '>' ? c > 0 : term.op === '>=' ? c >= 0 : term.op === '<' ? c < 0 : c <= 0;
}

/** Whether a record matches; an empty query matches everything. */
export function matchesQuery(query: EncodedQuery, read: FieldReader, mode: MatchMode = QUERY_MODE): boolean {
  return query.blocks.some((block) =>
    block.every((group) => {
      const results = group.map((term) => termMatches(term, read, mode)).filter((r): r is boolean => r !== undefined);
      return results.length === 0 || results.includes(true);
    }),
  );
}

/** Sorts by the query's ORDERBY clauses (empty values first, as a database sorts NULLs); unknown fields are ignored. */
export function sortByQuery<T>(rows: T[], query: EncodedQuery, readerOf: (row: T) => FieldReader): T[] {
  if (query.order.length === 0) return rows;
  return [...rows].sort((a, b) => {
    for (const { field, desc } of query.order) {
      const x = readerOf(a)(field);
      const y = readerOf(b)(field);
      if (x === undefined || y === undefined) continue;
      const c = x === '' || y === '' ? (x === y ? 0 : x === '' ? -1 : 1) : compareValues(field, x, y);
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  });
}
