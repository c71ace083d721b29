import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { agentSlotRequestedSignal, type AgentSlotRequest, type AgentSlotsInput, type WorkflowRun } from '../contracts/agent-slots';
import type { IncidentInvestigationInput, IncidentSnapshot, IncidentStatus, InvestigationResult, OpenIncidentInput } from '../contracts/investigation';
import { incidentRequestedSignal, incidentStatusQuery, incidentUpdatedSignal, notificationQueuedSignal, resolutionRequestedSignal } from '../contracts/messages';
import { DEFAULT_CLOSE_CODE, type ResolutionInput, type ResolutionRequest } from '../contracts/resolution';
import type { Notification, RunbookActionInput } from '../contracts/runbook';
import { IncidentNumber, IncidentPriority, OpsRequester, OpsStage, SlackChannel } from '../contracts/search-attributes';
import type { SlackMentionInput } from '../contracts/slack-mention';
import {
  agentSlotsWorkflowId,
  channelNotifierWorkflowId,
  incidentWorkflowId,
  resolutionWorkflowId,
  slackEventWorkflowId,
  slackViewWorkflowId,
} from '../contracts/workflow-ids';
import { afterClosedRun } from './after-closed-run';
import { withRequestId } from './with-request-id';

/** The request id of one version of a ServiceNow record: every delivery of it is the same event to Temporal. */
const incidentVersionRequestId = (incident: IncidentSnapshot): string => `servicenow/${incident.sysId}/${incident.sysModCount}`;

/** `ignored`: under its route's threshold, with no investigation running; `closed`: the event changed nothing. */
export type DeliveryStatus = 'accepted' | 'closed' | 'ignored';

export interface DeliveryOptions {
  /** false: the incident is under its route's threshold, so only a running investigation is told (default true). */
  startNew?: boolean;
}

/**
 * Every workflow OpsLoop starts from outside a workflow, in one place: the API (webhooks, Slack) and the activities
 * (reconcile, mentions, notifications) start and join runs the same way, with the same ids, search attributes and
 * id policies, so both deduplicate alike. Workflow types are named by string so this module never imports workflow code.
 */
export function createOpsLoopWorkflows(client: Client, taskQueue: string) {
  return {
    client,
    taskQueue,

    /**
     * signalWithStart on incident/<number>. A running investigation gets the event as a signal; a failed one may be
     * retried; a completed one is not started again by later edits, unless the incident was reopened (or finished in
     * ServiceNow after OpsLoop gave up on it): see afterClosedRun. `closed` when the event changed nothing. With
     * `requestedBy` (`/ops incident`) the signal also records who asked, whether or not the Business Rule's insert
     * event started the investigation first.
     */
    async deliverIncidentEvent(incident: IncidentSnapshot, requestedBy?: string, options: DeliveryOptions = {}): Promise<{ workflowId: string; status: DeliveryStatus }> {
      const workflowId = incidentWorkflowId(incident.number);
      // One ServiceNow record version is one event, however often it is delivered: the server keeps it once. A request
      // names its requester, so it is not mistaken for the Business Rule's delivery of the same version.
      const version = incidentVersionRequestId(incident);
      if (options.startNew === false && !requestedBy) {
        // Under its route's threshold: a running investigation still hears of the change; none is started.
        try {
          await withRequestId(client, version).getHandle(workflowId).signal(incidentUpdatedSignal, incident);
          return { workflowId, status: 'accepted' };
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return { workflowId, status: 'ignored' };
          throw err;
        }
      }
      const signal = requestedBy
        ? { signal: incidentRequestedSignal, signalArgs: [incident, requestedBy] as [IncidentSnapshot, string] }
        : { signal: incidentUpdatedSignal, signalArgs: [incident] as [IncidentSnapshot] };
      const start = (input: IncidentInvestigationInput, workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' | 'ALLOW_DUPLICATE') =>
        withRequestId(client, requestedBy ? `${version}/requested-by/${requestedBy}` : version).signalWithStart<(input: IncidentInvestigationInput) => Promise<unknown>, [IncidentSnapshot] | [IncidentSnapshot, string]>('incidentInvestigation', {
          workflowId,
          taskQueue,
          args: [input],
          ...signal,
          workflowIdReusePolicy,
          typedSearchAttributes: [
            { key: IncidentNumber, value: incident.number },
            { key: IncidentPriority, value: incident.priority },
            { key: OpsStage, value: 'investigating' },
            ...(requestedBy ? [{ key: OpsRequester, value: requestedBy }] : []),
          ],
          staticSummary: `${incident.number} · P${incident.priority} · ${incident.shortDescription.slice(0, 120)}`,
        });
      try {
        await start({ incident, requestedBy }, 'ALLOW_DUPLICATE_FAILED_ONLY');
        return { workflowId, status: 'accepted' };
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      // The last run completed (a running one would have taken the signal, a failed one would have been replaced).
      const next = afterClosedRun(incident, (await client.workflow.getHandle(workflowId).result()) as InvestigationResult | undefined);
      if (next === 'none') return { workflowId, status: 'closed' };
      // A reopened incident's new run reads it from ServiceNow, so a late copy of an old version cannot reopen it.
      await start(next === 'reopened' ? { incidentNumber: incident.number, requestedBy } : { incident, requestedBy }, 'ALLOW_DUPLICATE');
      return { workflowId, status: 'accepted' };
    },

    /** Starts the incident's Resolution, or joins the one already running. */
    async requestResolution(incidentNumber: string, request: ResolutionRequest): Promise<{ workflowId: string }> {
      const workflowId = resolutionWorkflowId(incidentNumber);
      await client.workflow.signalWithStart<(input: ResolutionInput) => Promise<unknown>, [ResolutionRequest]>('resolution', {
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
    },

    /**
     * `/ops investigate INC…`: starts the loop for an existing incident (read from ServiceNow by the workflow). A
     * running investigation is joined; one that ended is followed by a new run, since a person asked for it.
     */
    async startInvestigation(incidentNumber: string, requestedBy: string): Promise<{ workflowId: string }> {
      const workflowId = incidentWorkflowId(incidentNumber);
      await client.workflow.start<(input: IncidentInvestigationInput) => Promise<unknown>>('incidentInvestigation', {
        workflowId,
        taskQueue,
        args: [{ incidentNumber, requestedBy }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        typedSearchAttributes: [
          { key: IncidentNumber, value: incidentNumber },
          { key: OpsStage, value: 'investigating' },
          { key: OpsRequester, value: requestedBy },
        ],
        staticSummary: `${incidentNumber} · investigation requested in Slack by ${requestedBy}`,
      });
      return { workflowId };
    },

    /** Starts the mention's workflow once per Slack event_id; `duplicate` for a redelivery. */
    async startMention(input: SlackMentionInput): Promise<'started' | 'duplicate'> {
      try {
        await client.workflow.start('slackMention', {
          workflowId: slackEventWorkflowId(input.eventId),
          taskQueue,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          staticSummary: `Slack mention by ${input.userId}: ${input.request.kind}`,
          typedSearchAttributes: [{ key: OpsRequester, value: input.userId }],
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
        throw err;
      }
      return 'started';
    },

    /** `/ops incident`'s modal, keyed by its view id: a re-submitted view starts nothing new. */
    async openIncident(viewId: string, input: OpenIncidentInput): Promise<void> {
      try {
        await client.workflow.start('openIncident', {
          workflowId: slackViewWorkflowId(viewId),
          taskQueue,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [{ key: OpsRequester, value: input.requestedBy }],
          staticSummary: `New incident from Slack: ${input.fields.short_description.slice(0, 100)}`,
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    },

    /** Starts the action once per id; `duplicate` when that id already ran (a redelivered Slack event). */
    async startAction(workflowId: string, input: RunbookActionInput): Promise<'started' | 'duplicate'> {
      try {
        await client.workflow.start('runbookAction', {
          workflowId,
          taskQueue,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: OpsRequester, value: input.requestedBy },
            { key: OpsStage, value: 'requested' },
            { key: SlackChannel, value: input.channelId },
            ...(input.incidentNumber ? [{ key: IncidentNumber, value: input.incidentNumber }] : []),
          ],
          staticSummary: `${input.actionName} ${Object.values(input.params).join(' ')} · requested by ${input.requestedBy}`,
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
        throw err;
      }
      return 'started';
    },

    /** Hands a notification to the channel's notifier (started on first use), which batches and deduplicates by id. */
    async queueNotification(channel: string, batchWindowMs: number, notification: Notification): Promise<void> {
      await client.workflow.signalWithStart('channelNotifier', {
        workflowId: channelNotifierWorkflowId(channel),
        taskQueue,
        args: [{ channel, batchWindowMs }],
        signal: notificationQueuedSignal,
        signalArgs: [notification],
      });
    },

    /**
     * Tells the incident's running investigation a newer version of the incident; false when none is running. The
     * same request id as the Business Rule's delivery of that version: one that also sends OpsLoop's own changes
     * back (no --skip-user) adds nothing.
     */
    async updateInvestigation(incident: IncidentSnapshot): Promise<boolean> {
      try {
        await withRequestId(client, incidentVersionRequestId(incident)).getHandle(incidentWorkflowId(incident.number)).signal(incidentUpdatedSignal, incident);
        return true;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      }
    },

    /** Hands a request for an agent slot to the task queue's semaphore, started on first use (`agent-slots/<queue>`). */
    async requestAgentSlot(request: AgentSlotRequest): Promise<void> {
      await client.workflow.signalWithStart<(input: AgentSlotsInput) => Promise<void>, [AgentSlotRequest]>('agentSlots', {
        workflowId: agentSlotsWorkflowId(taskQueue),
        taskQueue,
        args: [{ maxConcurrent: request.maxConcurrent }],
        signal: agentSlotRequestedSignal,
        signalArgs: [request],
        staticSummary: 'AWS DevOps Agent investigation slots (OPSLOOP_AGENT_MAX_CONCURRENT)',
      });
    },

    /** The runs among these that are closed (completed, failed, terminated, timed out, continued as new) or gone. */
    async closedRuns(runs: WorkflowRun[]): Promise<WorkflowRun[]> {
      const closed = await Promise.all(
        runs.map(async (run) => {
          try {
            const { status } = await client.workflow.getHandle(run.workflowId, run.runId).describe();
            return status.name === 'RUNNING' ? undefined : run;
          } catch (err) {
            if (err instanceof WorkflowNotFoundError) return run;
            throw err;
          }
        }),
      );
      return closed.filter((run): run is WorkflowRun => run !== undefined);
    },

    /** Undefined when OpsLoop has no investigation for the incident. */
    async incidentStatus(incidentNumber: string): Promise<IncidentStatus | undefined> {
      try {
        return await client.workflow.getHandle(incidentWorkflowId(incidentNumber)).query(incidentStatusQuery);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },
  };
}

export type OpsLoopWorkflows = ReturnType<typeof createOpsLoopWorkflows>;
