import type { AuditEvent } from '../contracts/audit';
import { FINDINGS_AUDIT_ACTION } from '../contracts/timeline';
import { incidentWorkflowId } from '../contracts/workflow-ids';

/** One line of an incident's timeline: when, who, and what happened in plain words. */
export interface TimelineRow {
  /** ISO time, as the audit trail recorded it. */
  at: string;
  actor: string;
  event: string;
}

/** Milliseconds from the investigation's start to each milestone; undefined when the milestone did not happen. */
export interface TimelineDurations {
  toFindings?: number;
  toDecision?: number;
  toResolve?: number;
}

/** One investigation run of an incident, read from the audit trail. */
export interface Timeline {
  incidentNumber: string;
  workflowId: string;
  runId: string;
  /** The investigation's outcome (resolved, rejected, expired, finished-elsewhere, failed); undefined while it runs. */
  outcome?: string;
  rows: TimelineRow[];
  durations: TimelineDurations;
}

/** Audit ids of an investigation's own rows: `<workflow id>/<run id>/<label>` (src/workflows/audit-trail.ts). */
const runRowId = (workflowId: string, runId: string, label: 'opened' | 'outcome') => `${workflowId}/${runId}/${label}`;

const byTime = (events: AuditEvent[]): AuditEvent[] => [...events].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

/** Slack markup in a workflow's reason (`<@U…>`, `:emoji:`, code ticks) as plain words for a work note. */
const plain = (text: string): string =>
  text
    .replace(/<@([A-Z0-9]+)>/g, '$1')
    .replace(/:[a-z0-9_+-]+:/g, '')
    .replace(/[`*]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

const quoted = (text?: string) => (text ? `: "${plain(text).slice(0, 200)}"` : '');
const because = (reason?: string) => (reason ? ` (${plain(reason).slice(0, 200)})` : '');

const DECIDED: Record<string, string> = { approve: 'Approved', reject: 'Rejected', escalate: 'Escalated' };

const OUTCOME_WORDS: Record<string, string> = {
  resolved: 'resolved in ServiceNow',
  rejected: 'rejected; the incident stays open in ServiceNow',
  expired: 'nobody decided in time; the incident was left unresolved',
  'finished-elsewhere': 'the incident was finished in ServiceNow',
  failed: 'failed',
};

const APPROVAL_OUTCOME_WORDS: Record<string, string> = {
  approved: 'Decision: approved',
  rejected: 'Decision: rejected',
  escalated: 'Decision: escalated',
  expired: 'Decision request expired without a decision',
  withdrawn: 'Decision request withdrawn',
};

/** What one audit row says happened, in plain words. */
export function eventWords(e: AuditEvent): string {
  if (e.result === 'denied') return `Refused ${e.action}${e.decision ? ` ${e.decision}` : ''}${because(e.reason)}`;
  switch (e.action) {
    case 'investigate':
      return e.source === 'workflow' || e.source === 'webhook' ? 'Investigation started; Slack thread opened' : 'Investigation started on request; Slack thread opened';
    case FINDINGS_AUDIT_ACTION:
      return `Findings received${e.result !== 'completed' ? ` (the investigation ${e.result})` : ''}${because(e.reason)}`;
    case 'decide':
      return `${DECIDED[e.decision ?? ''] ?? `Decided ${e.decision ?? ''}`.trim()}${quoted(e.text)}`;
    case 'approval-outcome':
      return APPROVAL_OUTCOME_WORDS[e.result] ?? `Decision request ended: ${e.result}`;
    case 'approval-superseded':
      return 'Decision request superseded by new evidence; asked again';
    case 'resolve':
      return e.result === 'resolved' ? 'Resolved in ServiceNow' : e.result === 'already-finished' ? 'Resolve requested; already finished in ServiceNow' : `Resolve ${e.result}${because(e.reason)}`;
    case 'run':
      return `Runbook action requested${quoted(e.text)}`;
    case 'run-outcome':
      return `Runbook action ${e.result}${because(e.reason)}`;
    case 'investigation-outcome':
      return `Investigation ended: ${OUTCOME_WORDS[e.result] ?? e.result}${e.result === 'failed' ? because(e.reason) : ''}`;
    default:
      return `${e.action}${e.decision ? ` ${e.decision}` : ''}: ${e.result}${because(e.reason)}`;
  }
}

/** Who did it: the person (name and Slack id when known), the investigator for findings, else OpsLoop itself. */
export function actorOf(e: AuditEvent): string {
  if (e.actorName && e.actorId) return `${e.actorName} (${e.actorId})`;
  return e.actorName ?? e.actorId ?? 'OpsLoop';
}

export const rowOf = (e: AuditEvent): TimelineRow => ({ at: e.at, actor: actorOf(e), event: eventWords(e) });

const isOpened = (e: AuditEvent, workflowId: string) => e.workflowId === workflowId && e.runId !== undefined && e.eventId === runRowId(workflowId, e.runId, 'opened');

/**
 * The timeline of one investigation run of `incidentNumber` from the incident's audit rows: every row from the run's
 * start (its `opened` row) to its outcome row, whoever wrote it (the run, its decision requests, the resolution, the
 * API's refusals), in time order. Without `runId`, the latest run. Undefined when the trail holds no such run.
 */
export function timelineOf(incidentNumber: string, events: AuditEvent[], runId?: string): Timeline | undefined {
  const workflowId = incidentWorkflowId(incidentNumber);
  const sorted = byTime(events.filter((e) => e.incidentNumber === incidentNumber));
  const starts = sorted.map((e, i) => ({ e, i })).filter(({ e }) => isOpened(e, workflowId) && (runId === undefined || e.runId === runId));
  const start = starts.at(-1);
  if (!start) return undefined;
  const run = start.e.runId!;
  const endId = runRowId(workflowId, run, 'outcome');
  const end = sorted.findIndex((e, i) => i > start.i && e.eventId === endId);
  const window = sorted.slice(start.i, end === -1 ? undefined : end + 1);
  const t0 = Date.parse(start.e.at);
  const since = (e?: AuditEvent) => (e ? Math.max(0, Date.parse(e.at) - t0) : undefined);
  return {
    incidentNumber,
    workflowId,
    runId: run,
    outcome: end === -1 ? undefined : sorted[end]!.result,
    rows: window.map(rowOf),
    durations: {
      toFindings: since(window.find((e) => e.action === FINDINGS_AUDIT_ACTION)),
      toDecision: since(window.find((e) => e.action === 'approval-outcome' && (e.result === 'approved' || e.result === 'rejected'))),
      toResolve: since(
        window.find((e) => (e.action === 'resolve' && e.result === 'resolved') || (e.action === 'investigation-outcome' && (e.result === 'resolved' || e.result === 'finished-elsewhere'))),
      ),
    },
  };
}
