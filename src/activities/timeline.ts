import { activityInfo } from '@temporalio/activity';
import type { AuditStore } from '../audit/audit-store';
import type { ServiceNowClient } from '../clients/servicenow/client';
import type { SlackClient } from '../clients/slack/client';
import type { IncidentTimelineInput, IncidentTimelineResult } from '../contracts/timeline';
import { DEFAULT_ROUTE } from '../policy/route-for';
import { timelineOf } from '../timeline/timeline';
import type { DomainMetrics } from './domain-metrics';
import { timelineNote, timelineNoteMarker, timelineThreadSummary } from '../timeline/render';
import { addWorkNoteOnce } from './servicenow';
import { postOnce } from './slack';

export interface TimelineActivityDeps {
  audit: Pick<AuditStore, 'list'>;
  servicenow: Pick<ServiceNowClient, 'getWorkNotes' | 'updateIncident'>;
  slack: Pick<SlackClient, 'findByMetadata' | 'postMessage' | 'permalink'>;
  /** Told how the run ended and how long it took, before the timeline is written (so a Slack outage does not hide it). */
  metrics?: Pick<DomainMetrics, 'investigationEnded'>;
}

export function createTimelineActivities(deps: TimelineActivityDeps) {
  return {
    /**
     * The ending investigation's timeline, read from the audit trail: one work note on the ticket (its marker names
     * the run, so a retry finds it written) and one summary in the thread (posted once per activity).
     */
    async writeIncidentTimeline(input: IncidentTimelineInput): Promise<IncidentTimelineResult> {
      const { workflowExecution } = activityInfo();
      const timeline = timelineOf(input.incidentNumber, await deps.audit.list({ incidentNumber: input.incidentNumber }), workflowExecution?.runId);
      const outcome = input.outcome ?? timeline?.outcome;
      if (outcome) deps.metrics?.investigationEnded({ route: input.route || DEFAULT_ROUTE, priority: input.priority || 'unknown', outcome, durations: timeline?.durations ?? {} });
      if (!timeline) return { note: 'no-timeline', rows: 0 };
      const thread = input.threadUrl || (await deps.slack.permalink(input.thread.channel, input.thread.ts)) || `Slack channel ${input.thread.channel}, message ${input.thread.ts}`;
      const note = await addWorkNoteOnce(deps.servicenow, input.sysId, timelineNoteMarker(timeline.workflowId, timeline.runId), timelineNote(timeline, { thread, run: input.runUrl }));
      await postOnce(deps.slack, input.thread.channel, { text: timelineThreadSummary(timeline, input.runUrl) }, input.thread.ts);
      return { note, rows: timeline.rows.length };
    },
  };
}
