import type { Client } from '@temporalio/client';
import { DEFAULT_CLOSE_CODE, type ResolutionRequest } from '../contracts/resolution';
import { IncidentNumber, OpsStage } from '../contracts/search-attributes';
import { resolutionWorkflowId } from '../contracts/workflow-ids';
import { resolutionRequestedSignal } from '../workflows/messages';
import type { resolution } from '../workflows/resolution';

export interface WorkflowGateway {
  /** Starts the incident's Resolution, or joins the one already running; resolves once Temporal has recorded it. */
  requestResolution(incidentNumber: string, request: ResolutionRequest): Promise<{ workflowId: string }>;
}

/**
 * Slack shows an error unless it has an answer within 3 s, so a Temporal call from a Slack route gets this long;
 * the rest is for the answer's trip back.
 */
export const TEMPORAL_CALL_BUDGET_MS = 2_000;

/** The only API module that talks to Temporal. */
export function createWorkflowGateway(client: Client, taskQueue: string, budgetMs = TEMPORAL_CALL_BUDGET_MS): WorkflowGateway {
  const withinBudget = <T>(fn: () => Promise<T>) => client.withDeadline(Date.now() + budgetMs, fn);
  return {
    async requestResolution(incidentNumber, request) {
      const workflowId = resolutionWorkflowId(incidentNumber);
      await withinBudget(() => client.workflow.signalWithStart<typeof resolution, [ResolutionRequest]>('resolution', {
        workflowId,
        taskQueue,
        args: [{ incidentNumber, closeCode: DEFAULT_CLOSE_CODE }],
        signal: resolutionRequestedSignal,
        signalArgs: [request],
        typedSearchAttributes: [
          { key: IncidentNumber, value: incidentNumber },
          { key: OpsStage, value: 'resolving' },
        ],
        staticSummary: `${incidentNumber} · resolve · requested in Slack by ${request.slackUserName ?? request.slackUserId}`,
      }));
      return { workflowId };
    },
  };
}
