// Workflow-safe: plain types only.
import type { ThreadRef } from './investigation';

/** What an ending investigation passes to `writeIncidentTimeline`: where to write, no secrets. */
export interface IncidentTimelineInput {
  incidentNumber: string;
  sysId: string;
  thread: ThreadRef;
  /** The thread's permalink when the run knows it; else the activity asks Slack. */
  threadUrl?: string;
  /** The run in the Temporal Web UI. */
  runUrl: string;
  /** For the worker's metrics (absent from runs scheduled before they were: route "default", priority "unknown"). */
  route?: string;
  priority?: string;
  /** How the run ended; absent: the outcome the audit trail recorded. */
  outcome?: string;
}

export interface IncidentTimelineResult {
  /** `no-timeline`: the audit trail holds no start of this run, so nothing was written. */
  note: 'written' | 'already-there' | 'no-timeline';
  rows: number;
}

/** The audit action an investigation records when findings arrive (since PATCH.timelineOnFinish): the timeline's time to findings. */
export const FINDINGS_AUDIT_ACTION = 'findings';
