import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AgentTaskEvent } from './agent-task';
import type { DecisionChoice, DecisionInput } from './decision';
import type { Findings } from './schemas/findings';
import type { IncidentSnapshot, IncidentStatus } from './investigation';
import type { ResolutionRequest } from './schemas/resolution';
import type { Notification } from './runbook';

/** A person asked (again) to resolve the incident; they are told the outcome through their response_url. */
export const resolutionRequestedSignal = defineSignal<[ResolutionRequest]>('resolutionRequested');

/** The Resolution workflow's current stage, for `/ops status` and operators. */
export const resolutionStageQuery = defineQuery<string>('resolutionStage');

/** ServiceNow reported the incident (insert or update); duplicates and stale deliveries are ignored by sys_mod_count. */
export const incidentUpdatedSignal = defineSignal<[IncidentSnapshot]>('incidentUpdated');

/**
 * The incident, with the Slack user who asked for it (`/ops incident`): recorded whether the Business Rule's insert
 * event or this request started the investigation. Requesters may not approve unless the policy says so.
 */
export const incidentRequestedSignal = defineSignal<[IncidentSnapshot, string]>('incidentRequested');

/** The investigator's findings arrived (agent callback). */
export const findingsReceivedSignal = defineSignal<[Findings]>('findingsReceived');

/** An AWS DevOps Agent lifecycle event for the incident's task (EventBridge): a hint to check the task now. */
export const agentTaskEventSignal = defineSignal<[AgentTaskEvent]>('agentTaskEvent');

export const incidentStatusQuery = defineQuery<IncidentStatus>('incidentStatus');

/** A click on a decision button. The validator refuses non-approvers and late or second decisions. */
export const decideUpdate = defineUpdate<{ choice: DecisionChoice }, [DecisionInput]>('decide');

/** The question no longer applies (e.g. the incident was resolved in ServiceNow meanwhile). */
export const withdrawApprovalSignal = defineSignal<[string]>('withdrawApproval');

export interface ApprovalStatus {
  evidenceHash: string;
  preview?: string;
  approvers: string[];
  requiredApprovals: number;
  approvedBy: string[];
  outcome?: string;
}
export const approvalStatusQuery = defineQuery<ApprovalStatus>('approvalStatus');

/** A notification for a channel's notifier; retried deliveries carry the same id and are dropped. */
export const notificationQueuedSignal = defineSignal<[Notification]>('notificationQueued');

/** `/ops cancel <id>`: who asked, recorded before the cancellation itself. */
export const cancelRequestedSignal = defineSignal<[string]>('cancelRequested');

/** The evidence or the proposal behind a pending request changed: it closes as superseded (the reason says by what). */
export const supersedeApprovalSignal = defineSignal<[string]>('supersedeApproval');
