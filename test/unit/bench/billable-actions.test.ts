import { temporal } from '@temporalio/proto';
import { countBillableActions } from '../../../bench/loop/billable-actions';
import { actionsBetween, parseActionCounter } from '../../../bench/loop/server-actions';

const sa = (...keys: string[]) => ({ searchAttributes: { indexedFields: Object.fromEntries(keys.map((k) => [k, {}])) } });
let id = 0;
// Decoded as a fetched history is: ids are Longs, attributes are messages.
const ev = (attrs: Record<string, unknown>) => temporal.api.history.v1.HistoryEvent.fromObject({ eventId: ++id, ...attrs });

describe('countBillableActions', () => {
  beforeEach(() => {
    id = 0;
  });

  it('counts a signal-with-start once, and later signals each', () => {
    const a = countBillableActions([
      ev({ workflowExecutionStartedEventAttributes: {} }),
      ev({ workflowExecutionSignaledEventAttributes: { signalName: 'incidentUpdated' } }),
      ev({ workflowTaskScheduledEventAttributes: {} }),
      ev({ workflowExecutionSignaledEventAttributes: { signalName: 'findingsReceived' } }),
    ]);
    expect(a.byKind).toMatchObject({ workflowStarted: 1, signal: 1 });
    expect(a.total).toBe(2);
  });

  it('bills every marker of one workflow task as one action, and local-activity retries on top', () => {
    const a = countBillableActions([
      ev({ workflowTaskCompletedEventAttributes: { meteringMetadata: { nonfirstLocalActivityExecutionAttempts: 2 } } }),
      ev({ markerRecordedEventAttributes: { markerName: 'core_patch', workflowTaskCompletedEventId: 1 } }),
      ev({ markerRecordedEventAttributes: { markerName: 'core_local_activity', workflowTaskCompletedEventId: 1 } }),
      ev({ workflowTaskCompletedEventAttributes: {} }),
      ev({ markerRecordedEventAttributes: { markerName: 'core_local_activity', workflowTaskCompletedEventId: 4 } }),
    ]);
    expect(a.byKind.localActivities).toBe(2 + 2);
  });

  it('exempts upserts that only set TemporalChangeVersion, and counts activity retries from the attempt', () => {
    const a = countBillableActions([
      ev({ upsertWorkflowSearchAttributesEventAttributes: sa('TemporalChangeVersion') }),
      ev({ upsertWorkflowSearchAttributesEventAttributes: sa('OpsStage', 'TemporalChangeVersion') }),
      ev({ activityTaskScheduledEventAttributes: {} }),
      ev({ activityTaskStartedEventAttributes: { attempt: 3 } }),
      ev({ timerStartedEventAttributes: {} }),
      ev({ startChildWorkflowExecutionInitiatedEventAttributes: {} }),
      ev({ workflowExecutionUpdateAcceptedEventAttributes: {} }),
    ]);
    expect(a.byKind).toMatchObject({ searchAttributeUpsert: 1, activity: 1, activityRetry: 2, timer: 1, childWorkflowStarted: 1, update: 1 });
    expect(a.total).toBe(7);
  });
});

describe("the server's action counter", () => {
  const text = [
    '# TYPE action counter',
    'action{action_type="grpc_SignalWithStartWorkflowExecution",namespace="default",operation="SignalWithStartWorkflowExecution",service_name="frontend"} 3',
    'action{action_type="command_ScheduleActivityTask",namespace="default",operation="RespondWorkflowTaskCompleted",service_name="frontend"} 27',
    'action{action_type="grpc_StartWorkflowExecution",namespace="temporal_system",operation="StartWorkflowExecution",service_name="frontend"} 2',
    'action_total{action_type="x",namespace="default",service_name="frontend"} 99',
  ].join('\n');

  it('reads one namespace of the frontend, by type', () => {
    expect(parseActionCounter(text, 'default')).toEqual({ grpc_SignalWithStartWorkflowExecution: 3, command_ScheduleActivityTask: 27 });
  });

  it('reports what moved between two readings', () => {
    expect(actionsBetween({ a: 1, b: 5 }, { a: 4, b: 5, c: 2 })).toEqual({ a: 3, c: 2 });
  });
});
