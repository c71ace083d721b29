import type { Request, RequestHandler } from 'express';
import { matchesQuery, parseEncodedQuery, sortByQuery, type FieldReader } from './encoded-query';
import type { ReferenceTableName } from './servicenow-tables';
import { displayValueMode, renderRecord, type RecordShape } from './table-api-record';

/** One table of the sandbox instance, as the Table API routes read it. */
export interface TableSource<T = unknown> {
  rows(): T[];
  get(sysId: string): T | undefined;
  /** A field's stored value, dot-walking into references; undefined for a field the table does not have. */
  reader(row: T): FieldReader;
  /** The stored values to render (journals as their text). */
  record(row: T): Record<string, string>;
  shape: RecordShape;
}

export interface TableApi {
  baseUrl(): string;
  /** The API user's time zone (display values of dates). */
  timeZone: string;
  display: (table: ReferenceTableName, sysId: string) => string;
  table: (name: string) => TableSource | undefined;
}

const failure = (message: string, detail: string) => ({ error: { message, detail }, status: 'failure' });
const NOT_FOUND = failure('No Record found', "Record doesn't exist or ACL restricts the record retrieval");

/** A record as the request's sysparm_display_value, sysparm_exclude_reference_link and sysparm_fields ask for it. */
export function renderFor(api: TableApi, source: TableSource, row: unknown, req: Request): Record<string, unknown> {
  const fields = typeof req.query.sysparm_fields === 'string' && req.query.sysparm_fields ? req.query.sysparm_fields.split(',') : undefined;
  return renderRecord(source.record(row), source.shape, {
    mode: displayValueMode(req.query.sysparm_display_value),
    excludeReferenceLink: req.query.sysparm_exclude_reference_link === 'true',
    fields,
    baseUrl: api.baseUrl(),
    timeZone: api.timeZone,
    display: api.display,
  });
}

const nonNegativeInt = (raw: unknown): number | undefined => {
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
};

/** The Link header the Table API sends with a page (first, prev, next, last), keeping the request's other parameters. */
function linkHeader(api: TableApi, req: Request, offset: number, limit: number, total: number): string {
  const page = (at: number, rel: string) => {
    const params = new URLSearchParams(req.query as Record<string, string>);
    params.delete('sysparm_offset');
    params.delete('sysparm_limit');
    params.append('sysparm_offset', String(at));
    params.append('sysparm_limit', String(limit));
    return `<${api.baseUrl()}${req.path}?${params.toString()}>;rel="${rel}"`;
  };
  const last = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  return [
    page(0, 'first'),
    ...(offset > 0 ? [page(Math.max(offset - limit, 0), 'prev')] : []),
    ...(offset + limit < total ? [page(offset + limit, 'next')] : []),
    page(last, 'last'),
  ].join(',');
}

/**
 * GET /api/now/table/{tableName}: sysparm_query (filter and ORDERBY), then sysparm_offset and sysparm_limit
 * (default 10000, and never more than the instance's `maxRecords`), with the Link and X-Total-Count headers.
 * https://www.servicenow.com/docs/r/api-reference/rest-apis/c_TableAPI.html ("Table - GET /now/table/{tableName}")
 */
export function listRoute(api: TableApi, maxRecords: number): RequestHandler {
  return (req, res) => {
    const source = api.table(String(req.params.table));
    if (!source) {
      res.status(400).json(failure('Invalid table', `Invalid table ${String(req.params.table)}`));
      return;
    }
    const query = parseEncodedQuery(typeof req.query.sysparm_query === 'string' ? req.query.sysparm_query : undefined);
    const matching = sortByQuery(source.rows().filter((row) => matchesQuery(query, source.reader(row))), query, (row) => source.reader(row));
    const offset = nonNegativeInt(req.query.sysparm_offset) ?? 0;
    const limit = Math.min(nonNegativeInt(req.query.sysparm_limit) || 10_000, maxRecords);
    res.set('X-Total-Count', String(matching.length));
    if (req.query.sysparm_suppress_pagination_header !== 'true') res.set('Link', linkHeader(api, req, offset, limit, matching.length));
    res.json({ result: matching.slice(offset, offset + limit).map((row) => renderFor(api, source, row, req)) });
  };
}

/** GET /api/now/table/{tableName}/{sys_id}. */
export function getRoute(api: TableApi): RequestHandler {
  return (req, res) => {
    const source = api.table(String(req.params.table));
    if (!source) {
      res.status(400).json(failure('Invalid table', `Invalid table ${String(req.params.table)}`));
      return;
    }
    const row = source.get(String(req.params.sysId));
    if (row === undefined) res.status(404).json(NOT_FOUND);
    else res.json({ result: renderFor(api, source, row, req) });
  };
}
