import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { IncidentSnapshot } from '../contracts/investigation';
import { DEFAULT_CLOSE_CODE, type ResolutionRequest } from '../contracts/resolution';
import { IncidentNumber, IncidentPriority, OpsRequester, OpsStage, SlackChannel } from '../contracts/search-attributes';
import { incidentWorkflowId, resolutionWorkflowId } from '../contracts/workflow-ids';
import type { incidentInvestigation } from '../workflows/incident-investigation';
import { incidentUpdatedSignal, resolutionRequestedSignal } from '../workflows/messages';
import type { resolution } from '../workflows/resolution';

/**
 * The two ways work enters OpsLoop's workflows, shared by the API (webhooks, Slack) and activities (the reconcile
 * schedule, Slack mentions), so both deduplicate the same way.
 */

/** signalWithStart on incident/<number>; `closed` when that incident's investigation already finished. */
export async function deliverIncidentEvent(
  client: Client,
  taskQueue: string,
  incident: IncidentSnapshot,
  requestedBy?: string,
): Promise<{ workflowId: string; status: 'accepted' | 'closed' }> {
  const workflowId = incidentWorkflowId(incident.number);
  try {
    await client.workflow.signalWithStart<typeof incidentInvestigation, [IncidentSnapshot]>('incidentInvestigation', {
      workflowId,
      taskQueue,
      args: [{ incident, requestedBy }],
      signal: incidentUpdatedSignal,
      signalArgs: [incident],
      // A finished investigation is not reopened by later edits in ServiceNow; a failed one may be retried.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: [
        { key: IncidentNumber, value: incident.number },
        { key: IncidentPriority, value: incident.priority },
        { key: OpsStage, value: 'investigating' },
        ...(requestedBy ? [{ key: OpsRequester, value: requestedBy }] : []),
      ],
      staticSummary: `${incident.number} · P${incident.priority} · ${incident.shortDescription.slice(0, 120)}`,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, status: 'closed' };
    throw err;
  }
  return { workflowId, status: 'accepted' };
}

/** Starts the incident's Resolution, or joins the one already running. */
export async function requestResolution(client: Client, taskQueue: string, incidentNumber: string, request: ResolutionRequest): Promise<{ workflowId: string }> {
  const workflowId = resolutionWorkflowId(incidentNumber);
  await client.workflow.signalWithStart<typeof resolution, [ResolutionRequest]>('resolution', {
    workflowId,
    taskQueue,
    args: [{ incidentNumber, closeCode: DEFAULT_CLOSE_CODE }],
    signal: resolutionRequestedSignal,
    signalArgs: [request],
    typedSearchAttributes: [
      { key: IncidentNumber, value: incidentNumber },
      { key: OpsStage, value: 'resolving' },
      { key: OpsRequester, value: request.slackUserId },
      ...(request.channelId ? [{ key: SlackChannel, value: request.channelId }] : []),
    ],
    staticSummary: `${incidentNumber} · resolve · requested in Slack by ${request.slackUserName ?? request.slackUserId}`,
  });
  return { workflowId };
}

/** `/ops investigate INC…`: starts the loop for an existing incident (read from ServiceNow by the workflow). */
export async function startInvestigation(client: Client, taskQueue: string, incidentNumber: string, requestedBy: string): Promise<{ workflowId: string }> {
  const workflowId = incidentWorkflowId(incidentNumber);
  await client.workflow.start<typeof incidentInvestigation>('incidentInvestigation', {
    workflowId,
    taskQueue,
    args: [{ incidentNumber, requestedBy }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    typedSearchAttributes: [
      { key: IncidentNumber, value: incidentNumber },
      { key: OpsStage, value: 'investigating' },
      { key: OpsRequester, value: requestedBy },
    ],
    staticSummary: `${incidentNumber} · investigation requested in Slack by ${requestedBy}`,
  });
  return { workflowId };
}
