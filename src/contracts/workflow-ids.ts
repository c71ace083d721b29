/**
 * Every workflow id OpsLoop starts, readable in the Temporal Web UI. An id says what the run is for, and an id that
 * is derived from the event (an incident number, a Slack event or view id) makes a repeated request find the run
 * it already started instead of starting a second one.
 */

/** One investigation per incident: `incident/INC0010001`. */
export const incidentWorkflowId = (incidentNumber: string): string => `incident/${incidentNumber}`;

/** The n-th decision request of an investigation (a new one when escalated or when the evidence changes). */
export const approvalWorkflowId = (incidentNumber: string, n: number): string => `incident/${incidentNumber}/approval/${n}`;

/** The incident's Resolution; a second request while it runs joins it. */
export const resolutionWorkflowId = (incidentNumber: string): string => `incident/${incidentNumber}/resolution`;

/** One `@OpsLoop …` mention per Slack event id: Events API redeliveries find the run already started. */
export const slackEventWorkflowId = (eventId: string): string => `slack-event/${eventId}`;

/** One `/ops incident` modal submission per view id: a re-submitted view creates no second incident. */
export const slackViewWorkflowId = (viewId: string): string => `slack-view/${viewId}`;

/** A runbook action: `action/<name>/<8 hex>`. */
export const runbookActionWorkflowId = (actionName: string, suffix: string): string => `action/${actionName}/${suffix}`;

/** The approval of a runbook action, a child of the action's run. */
export const runbookApprovalWorkflowId = (actionWorkflowId: string): string => `${actionWorkflowId}/approval`;

/** One notifier per subscribed channel: notifications are batched into one message per window. */
export const channelNotifierWorkflowId = (channel: string): string => `notify/${channel}`;

/** The Temporal Schedule that re-reads recently updated incidents, and the id of the runs it starts. */
export const RECONCILE_SCHEDULE_ID = 'opsloop-reconcile-incidents';
export const RECONCILE_WORKFLOW_ID = 'reconcile-incidents';

/**
 * The one semaphore that bounds the agent investigations in flight for a task queue's workers. The task queue is in
 * the id because several OpsLoop installations (or test worlds) may share a namespace, each with its own quota.
 */
export const agentSlotsWorkflowId = (taskQueue: string): string => `agent-slots/${taskQueue}`;

/** ServiceNow incident numbers look like INC0010001; we accept any case and normalise to upper. */
export const INCIDENT_NUMBER_PATTERN = /^INC\d{7,10}$/;

export function normaliseIncidentNumber(raw: string): string | undefined {
  const upper = raw.trim().toUpperCase();
  return INCIDENT_NUMBER_PATTERN.test(upper) ? upper : undefined;
}

const INCIDENT_APPROVAL_ID = /^incident\/(INC\d{7,10})\/approval\/\d{1,3}$/;
const ACTION_APPROVAL_ID = /^action\/[a-z][a-z0-9-]{0,39}\/[0-9a-f]{8}\/approval$/;

/** What a decision button may name: an incident's decision request or a runbook action's approval. */
export const isApprovalWorkflowId = (id: string): boolean => INCIDENT_APPROVAL_ID.test(id) || ACTION_APPROVAL_ID.test(id);

/** The incident an approval id belongs to, or undefined for a runbook action's approval. */
export const incidentNumberOfApproval = (id: string): string | undefined => INCIDENT_APPROVAL_ID.exec(id)?.[1];
