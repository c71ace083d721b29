import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { SkeletonShape } from '../skeleton/shape';
import { countBillableActions, noActions, sumActions, type BillableActions } from './billable-actions';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface HistoryStats {
  events: number;
  workflowTasks: number;
  activities: number;
  activityTypes: Record<string, number>;
  signals: Record<string, number>;
  updates: number;
  searchAttributeUpserts: number;
  timers: number;
  payloadKb: number;
  /** Temporal Cloud's billable Actions these histories show. */
  actions: BillableActions;
}

const activityName = (e: HistoryEvent) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? undefined;
const childType = (e: HistoryEvent) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name ?? undefined;

async function events(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return history.events ?? [];
}

/** What a set of histories holds: the costs Temporal pays per incident, by kind. */
export async function historyStats(client: Client, workflowIds: string[]): Promise<HistoryStats> {
  const stats: HistoryStats = { events: 0, workflowTasks: 0, activities: 0, activityTypes: {}, signals: {}, updates: 0, searchAttributeUpserts: 0, timers: 0, payloadKb: 0, actions: noActions() };
  let payloadBytes = 0;
  for (const id of workflowIds) {
    const history = await events(client, id);
    stats.actions = sumActions(stats.actions, countBillableActions(history));
    for (const e of history) {
      stats.events++;
      if (e.workflowTaskCompletedEventAttributes) stats.workflowTasks++;
      const activity = activityName(e);
      if (activity) {
        stats.activities++;
        stats.activityTypes[activity] = (stats.activityTypes[activity] ?? 0) + 1;
      }
      const signal = e.workflowExecutionSignaledEventAttributes?.signalName;
      if (signal) stats.signals[signal] = (stats.signals[signal] ?? 0) + 1;
      if (e.workflowExecutionUpdateAcceptedEventAttributes) stats.updates++;
      if (e.upsertWorkflowSearchAttributesEventAttributes) stats.searchAttributeUpserts++;
      if (e.timerStartedEventAttributes) stats.timers++;
      for (const p of [
        ...(e.activityTaskScheduledEventAttributes?.input?.payloads ?? []),
        ...(e.activityTaskCompletedEventAttributes?.result?.payloads ?? []),
        ...(e.workflowExecutionSignaledEventAttributes?.input?.payloads ?? []),
        ...(e.workflowExecutionStartedEventAttributes?.input?.payloads ?? []),
      ]) {
        payloadBytes += p.data?.length ?? 0;
      }
    }
  }
  stats.payloadKb = Math.round(payloadBytes / 102.4) / 10;
  return stats;
}

/** Splits a workflow's activities at the events where it waits, and finds where given activity types ran. */
function segments(history: HistoryEvent[], isBoundary: (e: HistoryEvent) => boolean): { counts: number[]; names: string[][] } {
  const counts = [0];
  const names: string[][] = [[]];
  for (const e of history) {
    if (isBoundary(e)) {
      counts.push(0);
      names.push([]);
    }
    const activity = activityName(e);
    if (activity) {
      counts[counts.length - 1]!++;
      names[names.length - 1]!.push(activity);
    }
  }
  return { counts, names };
}

const indexOr = (list: string[] | undefined, name: string, fallback: number) => {
  const i = list?.indexOf(name) ?? -1;
  return i >= 0 ? i : fallback;
};

/**
 * The skeleton's shape, read from one completed real incident: activity counts before the findings signal, before
 * the approval child, before the resolution child and after it; in the approval, before and after the decision.
 */
export async function measureShape(client: Client, incidentWorkflowId: string): Promise<SkeletonShape> {
  let findingsSeen = false;
  const investigation = segments(await events(client, incidentWorkflowId), (e) => {
    if (!findingsSeen && e.workflowExecutionSignaledEventAttributes?.signalName === 'findingsReceived') return (findingsSeen = true);
    const child = childType(e);
    return child === 'humanApproval' || child === 'resolution';
  });
  let decided = false;
  const approval = segments(await events(client, `${incidentWorkflowId}/approval/1`), (e) => {
    if (decided || !e.workflowExecutionUpdateAcceptedEventAttributes) return false;
    return (decided = true);
  });
  const resolution = segments(await events(client, `${incidentWorkflowId}/resolution`), () => false);
  const [beforeFindings = 0, beforeApproval = 0, beforeResolution = 0, afterResolution = 0] = investigation.counts;
  const [beforeDecision = 0, afterDecision = 0] = approval.counts;
  return {
    investigation: {
      beforeFindings,
      firstPostAt: indexOr(investigation.names[0], 'postIncidentRoot', 0),
      investigateAt: indexOr(investigation.names[0], 'requestInvestigation', Math.max(beforeFindings - 1, 0)),
      beforeApproval,
      beforeResolution,
      afterResolution,
    },
    approval: { beforeDecision, askAt: indexOr(approval.names[0], 'postApprovalRequest', 0), afterDecision },
    resolution: { activities: resolution.counts[0] ?? 0 },
  };
}
