import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** One run of a workflow as the server keeps it: its status (from DescribeWorkflowExecution) and its full history. */
export interface Run {
  workflowId: string;
  runId: string;
  status: WorkflowExecutionStatusName;
  events: HistoryEvent[];
}

const decode = (payloads: Payload[] | null | undefined): unknown[] => (payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p));

export async function readRun(client: Client, workflowId: string, runId?: string): Promise<Run> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const described = await handle.describe();
  const history = await client.workflow.getHandle(workflowId, described.runId).fetchHistory();
  return { workflowId, runId: described.runId, status: described.status.name, events: history.events ?? [] };
}

/** The first argument of every signal of this name, in order. */
export function signalsNamed(run: Run, name: string): unknown[] {
  return run.events
    .map((e) => e.workflowExecutionSignaledEventAttributes)
    .filter((a) => a?.signalName === name)
    .map((a) => decode(a?.input?.payloads as Payload[] | undefined)[0]);
}

/** Every update the workflow accepted (its validator passed, so it is in history): its id and first argument. */
export function acceptedUpdates(run: Run): { updateId: string; input: unknown }[] {
  return run.events
    .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes)
    .filter((a) => a !== null && a !== undefined)
    .map((a) => ({ updateId: a.acceptedRequest?.meta?.updateId ?? '', input: decode(a.acceptedRequest?.input?.args?.payloads as Payload[] | undefined)[0] }));
}

/** How many attempts each completed or failed activity of this type took (ActivityTaskStarted carries the attempt). */
export function activityAttempts(run: Run, activityType: string): number[] {
  const scheduled = new Map<string, string>();
  for (const e of run.events) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a) scheduled.set(String(e.eventId), a.activityType?.name ?? '');
  }
  return run.events
    .map((e) => e.activityTaskStartedEventAttributes)
    .filter((a) => a && scheduled.get(String(a.scheduledEventId)) === activityType)
    .map((a) => a?.attempt ?? 0);
}

/**
 * Workflow tasks that failed: a non-determinism error or an exception in workflow code, never a fault we inject. Not
 * counted: UnhandledCommand, the server refusing a completion (or continue-as-new) because signals arrived while the
 * task ran, so the workflow sees them first. That is Temporal's guard against losing signals, and a busy receiver (the
 * agentSlots semaphore under the soak's load) meets it by design; the SDK runs the task again at once.
 */
export const workflowTaskFailures = (run: Run): number =>
  run.events.filter((e) => e.workflowTaskFailedEventAttributes && e.workflowTaskFailedEventAttributes.cause !== temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND).length;

/** When each activity of this type was first scheduled (ms since the epoch); retries keep the scheduled event. */
export function activityScheduledAt(run: Run, activityType: string): number[] {
  return run.events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activityType).map((e) => tsToMs(e.eventTime));
}
