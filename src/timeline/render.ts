import { asSlackText } from '../contracts/slack-text';
import type { Timeline, TimelineDurations, TimelineRow } from './timeline';

/** A duration as people read it on a ticket: 45s, 3m 05s, 2h 07m; "—" when the milestone did not happen. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** The three durations in one line, the same words in the ticket, the thread and `/ops timeline`. */
export const durationsLine = (d: TimelineDurations): string =>
  `Time to findings: ${formatDuration(d.toFindings)} · time to decision: ${formatDuration(d.toDecision)} · time to resolve: ${formatDuration(d.toResolve)}`;

/** One row as plain text: `<ISO time> | <actor> | <event>`. */
export const formatRow = (row: TimelineRow): string => `${row.at} | ${row.actor} | ${row.event}`;

const outcomeOf = (t: Timeline) => t.outcome ?? 'still running';

/** The first line of the work note: a retried write finds it in the journal and writes nothing twice. */
export const timelineNoteMarker = (workflowId: string, runId: string): string => `[OpsLoop timeline ${workflowId}/${runId}]`;

/** A work note is plain text in ServiceNow; a timeline longer than this keeps its first rows and says how many follow. */
export const MAX_NOTE_ROWS_CHARS = 20_000;

/** The work note: marker, outcome, durations, links to the thread and the run, then every row (up to the cap). */
export function timelineNote(t: Timeline, links: { thread: string; run: string }): string {
  const rows: string[] = [];
  let used = 0;
  for (const line of t.rows.map(formatRow)) {
    if (used + line.length > MAX_NOTE_ROWS_CHARS) break;
    rows.push(line);
    used += line.length + 1;
  }
  const left = t.rows.length - rows.length;
  return [
    `${timelineNoteMarker(t.workflowId, t.runId)} Timeline of ${t.incidentNumber} (outcome: ${outcomeOf(t)})`,
    durationsLine(t.durations),
    `Slack thread: ${links.thread}`,
    `OpsLoop run: ${links.run}`,
    '',
    ...rows,
    ...(left ? [`… ${left} more entries in OpsLoop's audit trail (/ops audit ${t.incidentNumber}).`] : []),
  ].join('\n');
}

/** The short summary posted in the incident's thread when the investigation ends (Slack mrkdwn). */
export function timelineThreadSummary(t: Timeline, runUrl: string): string {
  return [
    `:stopwatch: *Timeline of ${t.incidentNumber}* (${asSlackText(outcomeOf(t))}) · ${asSlackText(durationsLine(t.durations))}`,
    `${t.rows.length} entries, written to the ticket's work notes; \`/ops timeline ${t.incidentNumber}\` shows them here. <${runUrl}|The run in Temporal>`,
  ].join('\n');
}

/**
 * `/ops timeline` (Slack mrkdwn within `maxChars`): outcome and durations, then the rows in a code block, shown as
 * written (escaped, so a comment can neither ping nor link). Rows that do not fit are counted, not cut in half.
 */
export function timelineForSlack(t: Timeline, maxChars: number): string {
  const head = `*Timeline of ${t.incidentNumber}* (${asSlackText(outcomeOf(t))})\n${asSlackText(durationsLine(t.durations))}\n`;
  const rows = t.rows.map((r) => asSlackText(formatRow(r)));
  const tail = (left: number) => (left ? `\n… ${left} more ${left === 1 ? 'entry' : 'entries'}: the ticket's timeline work note, written when the investigation ends, has them all.` : '');
  const block = (n: number) => ['```', ...rows.slice(0, n), '```'].join('\n');
  let shown = rows.length;
  if (head.length + block(shown).length > maxChars) {
    // Rows in order while they fit beside the longest note of what was left out.
    const budget = maxChars - head.length - block(0).length - tail(rows.length).length;
    let used = 0;
    shown = 0;
    while (shown < rows.length && used + rows[shown]!.length + 1 <= budget) used += rows[shown++]!.length + 1;
  }
  return `${head}${block(shown)}${tail(rows.length - shown)}`;
}
