import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The Action types of Temporal Cloud's pricing that a workflow history shows, as the published list names them. */
export const ACTION_KINDS = ['workflowStarted', 'childWorkflowStarted', 'signal', 'update', 'activity', 'activityRetry', 'localActivities', 'timer', 'searchAttributeUpsert'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export interface BillableActions {
  total: number;
  byKind: Record<ActionKind, number>;
}

/** The versioning marker's search attribute, which the published list exempts from counting. */
const CHANGE_VERSION = 'TemporalChangeVersion';

export const noActions = (): BillableActions => ({ total: 0, byKind: Object.fromEntries(ACTION_KINDS.map((k) => [k, 0])) as Record<ActionKind, number> });

const num = (value: unknown): number => Number(value ?? 0);

/**
 * Temporal Cloud's billable Actions in one workflow's history, by the published definition
 * (https://docs.temporal.io/evaluate/cloud/actions, "Temporal Cloud Actions"), event type by event type:
 * - Workflow started (client start, child start): WORKFLOW_EXECUTION_STARTED, 1. A Signal-With-Start is one Action in
 *   all, so the signal it delivered with the start (the event right after it) adds none.
 * - Start Child Workflow initiated: START_CHILD_WORKFLOW_EXECUTION_INITIATED, 1; with the child's own start that makes
 *   the two Actions per child the list states.
 * - Signal: WORKFLOW_EXECUTION_SIGNALED, 1 (a signal from another workflow is counted in the signalled history only).
 * - Update accepted: WORKFLOW_EXECUTION_UPDATE_ACCEPTED, 1. Rejected Updates also count but are never written to history.
 * - Activity scheduled: ACTIVITY_TASK_SCHEDULED, 1; each retry: ACTIVITY_TASK_STARTED.attempt − 1.
 * - Local activities: all RecordMarker commands of one workflow task are one Action (so a patch marker in a task of its
 *   own costs one too), plus WORKFLOW_TASK_COMPLETED.meteringMetadata.nonfirstLocalActivityExecutionAttempts.
 * - Timer started: TIMER_STARTED, 1 (condition() with a timeout starts one).
 * - Search Attribute upsert: UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, 1 per command, except one that only sets
 *   TemporalChangeVersion; attributes given at start are free.
 * Not in a history, hence not counted here: Queries, Activity Heartbeats that reach the server, rejected Updates,
 * workflow-task heartbeats (the server's own `action` metric has them: see serverActions).
 */
export function countBillableActions(events: HistoryEvent[]): BillableActions {
  const actions = noActions();
  const add = (kind: ActionKind, n = 1) => {
    actions.byKind[kind] += n;
    actions.total += n;
  };
  const tasksWithMarkers = new Set<string>();
  let signalWithStartEventId: number | undefined;
  for (const e of events) {
    const eventId = num(e.eventId);
    if (e.workflowExecutionStartedEventAttributes) {
      add('workflowStarted');
      signalWithStartEventId = eventId + 1;
    } else if (e.workflowExecutionSignaledEventAttributes) {
      if (eventId !== signalWithStartEventId) add('signal');
    } else if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
      add('childWorkflowStarted');
    } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      add('update');
    } else if (e.activityTaskScheduledEventAttributes) {
      add('activity');
    } else if (e.activityTaskStartedEventAttributes) {
      add('activityRetry', Math.max(num(e.activityTaskStartedEventAttributes.attempt) - 1, 0));
    } else if (e.markerRecordedEventAttributes) {
      tasksWithMarkers.add(String(e.markerRecordedEventAttributes.workflowTaskCompletedEventId));
    } else if (e.workflowTaskCompletedEventAttributes) {
      add('localActivities', num(e.workflowTaskCompletedEventAttributes.meteringMetadata?.nonfirstLocalActivityExecutionAttempts));
    } else if (e.timerStartedEventAttributes) {
      add('timer');
    } else if (e.upsertWorkflowSearchAttributesEventAttributes) {
      const keys = Object.keys(e.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields ?? {});
      if (keys.some((k) => k !== CHANGE_VERSION)) add('searchAttributeUpsert');
    }
  }
  add('localActivities', tasksWithMarkers.size);
  return actions;
}

export function sumActions(a: BillableActions, b: BillableActions): BillableActions {
  const out = noActions();
  for (const k of ACTION_KINDS) out.byKind[k] = a.byKind[k] + b.byKind[k];
  out.total = a.total + b.total;
  return out;
}

/** "37 (activity 9 · timer 3 · …)", the kinds with none left out. */
export function formatActions(a: BillableActions): string {
  const parts = ACTION_KINDS.filter((k) => a.byKind[k] > 0).map((k) => `${k} ${a.byKind[k]}`);
  return `${a.total} (${parts.join(' · ')})`;
}
