import { INCIDENT_REFERENCES, type ReferenceTableName } from './servicenow-tables';

/**
 * One record as the Table API returns it for each `sysparm_display_value` and `sysparm_exclude_reference_link`
 * (https://www.servicenow.com/docs/r/api-reference/rest-apis/c_TableAPI.html, "sysparm_display_value"; the field
 * shapes: Table API FAQs, KB0534905 https://support.servicenow.com/kb_view.do?sysparm_article=KB0534905):
 * - `false` (default): database values; a reference is `{ link, value: <sys_id> }`, or the bare sys_id without links;
 * - `true`: display values; choice labels ("In Progress"), dates in the user's time zone, a reference's display field
 *   as `{ display_value, link }` or the bare display value without links;
 * - `all`: every field is `{ display_value, value }`, references with their `link` too.
 * Journal fields (work notes) read "" as a value; their display value is the journal, newest entry first.
 */
export type DisplayValueMode = 'false' | 'true' | 'all';

export interface RecordShape {
  /** Reference fields and the table each points to. */
  references: Readonly<Record<string, ReferenceTableName>>;
  /** Choice fields: value → label. */
  choices: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** glide_date_time fields, stored as UTC "YYYY-MM-DD HH:mm:ss". */
  dates: readonly string[];
  /** Integer fields: display values are grouped ("1,234"). */
  integers: readonly string[];
  /** Journal fields. */
  journals: readonly string[];
}

export interface RenderOptions {
  mode: DisplayValueMode;
  excludeReferenceLink: boolean;
  fields?: string[];
  /** The instance URL, for reference links. */
  baseUrl: string;
  /** The API user's time zone, in which display values of dates are given. */
  timeZone: string;
  display(table: ReferenceTableName, sysId: string): string;
}

const LABELS_1_TO_3 = { '1': '1 - High', '2': '2 - Medium', '3': '3 - Low' };

/** The incident's fields that are not plain strings, as an out-of-the-box instance defines them. */
export const INCIDENT_SHAPE: RecordShape = {
  references: INCIDENT_REFERENCES,
  choices: {
    state: { '1': 'New', '2': 'In Progress', '3': 'On Hold', '6': 'Resolved', '7': 'Closed', '8': 'Canceled' },
    priority: { '1': '1 - Critical', '2': '2 - High', '3': '3 - Moderate', '4': '4 - Low', '5': '5 - Planning' },
    urgency: LABELS_1_TO_3,
    impact: LABELS_1_TO_3,
  },
  dates: ['sys_updated_on', 'sys_created_on', 'opened_at'],
  integers: ['sys_mod_count'],
  journals: ['work_notes'],
};

/** A plain table whose fields are all strings (sys_user, sys_user_group, cmdb_ci here). */
export const PLAIN_SHAPE: RecordShape = { references: {}, choices: {}, dates: [], integers: [], journals: [] };

function localTime(utc: string, timeZone: string): string {
  if (!utc) return '';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(`${utc.replace(' ', 'T')}Z`));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

/** Renders `record` (database values; journals as their display text) the way the Table API would answer. */
export function renderRecord(record: Record<string, string>, shape: RecordShape, o: RenderOptions): Record<string, unknown> {
  const names = o.fields ? o.fields.filter((f) => f in record) : Object.keys(record);
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const stored = record[name] ?? '';
    const table = shape.references[name];
    if (table) {
      const link = `${o.baseUrl}/api/now/table/${table}/${stored}`;
      const display = o.display(table, stored);
      const linked = !o.excludeReferenceLink && stored !== '';
      if (o.mode === 'false') out[name] = linked ? { link, value: stored } : stored;
      else if (o.mode === 'true') out[name] = linked ? { display_value: display, link } : display;
      else out[name] = linked ? { display_value: display, link, value: stored } : { display_value: display, value: stored };
      continue;
    }
    const isJournal = shape.journals.includes(name);
    const value = isJournal ? '' : stored;
    const display = isJournal
      ? stored
      : (shape.choices[name]?.[stored] ??
        (shape.dates.includes(name) ? localTime(stored, o.timeZone) : shape.integers.includes(name) && stored ? Number(stored).toLocaleString('en-US') : stored));
    out[name] = o.mode === 'false' ? value : o.mode === 'true' ? display : { display_value: display, value };
  }
  return out;
}

/** The sysparm_display_value a request asked for; anything else is the default, database values. */
export const displayValueMode = (raw: unknown): DisplayValueMode => (raw === 'true' || raw === 'all' ? raw : 'false');
