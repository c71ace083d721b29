import { WorkflowNotFoundError, WorkflowUpdateStage, type Client, type WorkflowHandle } from '@temporalio/client';
import type { SlackMentionInput } from '../contracts/slack-mention';
import { closedRequestMessage, type ApprovalOutcome, type DecisionInput } from '../contracts/decision';
import type { Findings } from '../contracts/schemas/findings';
import type { IncidentSnapshot, IncidentStatus, OpenIncidentInput } from '../contracts/investigation';
import type { RunbookActionInput } from '../contracts/runbook';
import { IncidentPriority, OpsRoute, OpsStage } from '../contracts/search-attributes';
import { DEFAULT_ROUTE } from '../policy/route-for';
import { pendingKey, type PendingDecisionCounts } from './decisions-pending';
import type { ResolutionRequest } from '../contracts/schemas/resolution';
import { incidentWorkflowId } from '../contracts/workflow-ids';
import { createOpsLoopWorkflows, type DeliveryOptions, type DeliveryStatus } from '../temporal-client/opsloop-workflows';
import { agentTaskEventSignal, approvalStatusQuery, cancelRequestedSignal, decideUpdate, findingsReceivedSignal, incidentStatusQuery } from '../contracts/messages';
import type { AgentTaskEvent } from '../contracts/agent-task';

/** Thrown when a request names an incident OpsLoop has no running workflow for. */
export class UnknownIncidentError extends Error {
  constructor(readonly incidentNumber: string) {
    super(`no open OpsLoop investigation for ${incidentNumber}`);
    this.name = 'UnknownIncidentError';
  }
}

/** Thrown when a decision was refused by the approval workflow (its validator), with the reason to show. */
export class DecisionRefusedError extends Error {
  override name = 'DecisionRefusedError';
}

export interface WorkflowGateway {
  /** Starts the incident's Resolution, or joins the one already running; resolves once Temporal has recorded it. */
  requestResolution(incidentNumber: string, request: ResolutionRequest): Promise<{ workflowId: string }>;
  /** signalWithStart on incident/<number>; `closed` when the incident's investigation already finished. */
  deliverIncidentEvent(incident: IncidentSnapshot, options?: DeliveryOptions): Promise<{ workflowId: string; status: DeliveryStatus }>;
  deliverFindings(findings: Findings): Promise<{ workflowId: string }>;
  /** Signals every open investigation following the event's agent task (none: an unknown task). */
  deliverAgentTaskEvent(event: AgentTaskEvent): Promise<{ workflowIds: string[] }>;
  /** Resolves once the decision is accepted (or refused: DecisionRefusedError). */
  decide(approvalWorkflowId: string, decision: DecisionInput, updateId: string): Promise<{ choice: string }>;
  /** `patienceMs` (default: the Slack budget) is how long to wait for a worker to answer the query. */
  incidentStatus(incidentNumber: string, patienceMs?: number): Promise<IncidentStatus>;
  /** Starts the mention's workflow once per Slack event_id; `duplicate` for a redelivery. */
  handleMention(input: SlackMentionInput): Promise<'started' | 'duplicate'>;
  investigate(incidentNumber: string, requestedBy: string): Promise<{ workflowId: string }>;
  /**
   * `/ops approve|reject INC…`: the decision goes to the incident's pending approval. Finding that approval needs a
   * worker; `patienceMs` (default: the Slack budget) is how long to wait for one.
   */
  decideForIncident(incidentNumber: string, decision: DecisionInput, patienceMs?: number): Promise<{ choice: string }>;
  /** Recent runs in a channel or asked for by a person, newest first. */
  jobs(channelId: string, userId: string, limit?: number): Promise<JobSummary[]>;
  /** Starts the workflow that creates the incident from `/ops incident`'s modal; keyed by the view id. */
  openIncident(viewId: string, input: OpenIncidentInput): Promise<void>;
  /** Starts the action once per workflow id; `duplicate` when that id already ran. */
  startAction(workflowId: string, input: RunbookActionInput): Promise<'started' | 'duplicate'>;
  /** What a proposed action would run, from its pending approval. */
  approvalPreview(approvalWorkflowId: string): Promise<string | undefined>;
  /** Records who cancelled, then cancels; throws UnknownActionError when no such action is running. */
  cancelAction(idOrShortId: string, userId: string): Promise<string>;
  /**
   * The investigations of this task queue waiting for a person (for `/metrics`), by their OpsRoute and
   * IncidentPriority; absent from a gateway that cannot say (the metric is then not exported).
   */
  pendingDecisions?(): Promise<PendingDecisionCounts>;
}

/** Thrown when `/ops cancel` names no running action. */
export class UnknownActionError extends Error {
  override name = 'UnknownActionError';
}

export interface JobSummary {
  workflowId: string;
  type: string;
  status: string;
  stage?: string;
  startTime: Date;
}

/**
 * Slack shows an error unless it has an answer within 3 s, so a Temporal call from a Slack route gets this long;
 * the rest is for the answer's trip back.
 */
export const TEMPORAL_CALL_BUDGET_MS = 2_000;
/** Webhook senders wait longer (ServiceNow's RESTMessageV2 timeout is ours to set; 10 s in the Business Rule). */
export const WEBHOOK_CALL_BUDGET_MS = 5_000;

/** Looks for the run following an agent task this many times, this far apart, before calling the task unknown. */
const AGENT_EVENT_LOOKUPS = 3;
const AGENT_EVENT_LOOKUP_SPACING_MS = 750;

const cause = (err: unknown): string => {
  const e = err as { cause?: { message?: string }; message?: string };
  return e.cause?.message ?? e.message ?? String(err);
};

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer')), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
};

/** Visibility pages of this many runs; one read takes at most MAX_PENDING_LISTED, so a backlog cannot make a scrape unbounded. */
const PENDING_PAGE_SIZE = 500;
export const MAX_PENDING_LISTED = 5000;

/** Why a closed request refuses a click: a superseded one points to its replacement. */
async function closedMessage(handle: WorkflowHandle): Promise<string> {
  try {
    return closedRequestMessage((await withTimeout(handle.result(), 1_000)) as ApprovalOutcome);
  } catch {
    return 'This decision is closed.';
  }
}

/** The only API module that talks to Temporal. */
export function createWorkflowGateway(client: Client, taskQueue: string, budgetMs = TEMPORAL_CALL_BUDGET_MS): WorkflowGateway {
  // The client's gRPC retry interceptor sleeps its backoff past the deadline (2 s became 3–3.5 s with Temporal down),
  // so a timer bounds the wait itself; the caller then says it could not confirm (running it again is safe).
  const within = <T>(ms: number, fn: () => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Temporal did not answer within ${ms} ms`)), ms);
    });
    return Promise.race([client.withDeadline(Date.now() + ms, fn), late]).finally(() => clearTimeout(timer));
  };
  const workflows = createOpsLoopWorkflows(client, taskQueue);
  return {
    requestResolution: (incidentNumber, request) => within(budgetMs, () => workflows.requestResolution(incidentNumber, request)),

    deliverIncidentEvent: (incident, options) => within(WEBHOOK_CALL_BUDGET_MS, () => workflows.deliverIncidentEvent(incident, undefined, options)),

    async deliverFindings(findings) {
      const workflowId = incidentWorkflowId(findings.incidentNumber);
      try {
        await within(WEBHOOK_CALL_BUDGET_MS, () => client.workflow.getHandle(workflowId).signal(findingsReceivedSignal, findings));
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new UnknownIncidentError(findings.incidentNumber);
        throw err;
      }
      return { workflowId };
    },

    async deliverAgentTaskEvent(event) {
      const query = `AgentTaskId = "${event.taskId.replace(/["\\]/g, '')}" AND ExecutionStatus = "Running"`;
      return within(WEBHOOK_CALL_BUDGET_MS, async () => {
        const workflowIds: string[] = [];
        // A task's first events can beat the run's AgentTaskId upsert into visibility: look again briefly first.
        for (let attempt = 0; workflowIds.length === 0 && attempt < AGENT_EVENT_LOOKUPS; attempt += 1) {
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, AGENT_EVENT_LOOKUP_SPACING_MS));
          for await (const run of client.workflow.list({ query, pageSize: 10 })) workflowIds.push(run.workflowId);
        }
        await Promise.all(workflowIds.map((id) => client.workflow.getHandle(id).signal(agentTaskEventSignal, event)));
        return { workflowIds };
      });
    },

    async decide(approvalWorkflowId, decision, updateId) {
      const handle = client.workflow.getHandle(approvalWorkflowId);
      try {
        const update = await handle.startUpdate(decideUpdate, { args: [decision], updateId, waitForStage: WorkflowUpdateStage.ACCEPTED });
        return await update.result();
      } catch (err) {
        const name = (err as Error).name;
        if (name === 'WorkflowUpdateFailedError') throw new DecisionRefusedError(cause(err));
        // The server answers NOT_FOUND ("workflow execution already completed") for an update on a closed run too.
        if (err instanceof WorkflowNotFoundError || /already completed/i.test((err as Error).message)) {
          throw new DecisionRefusedError(await closedMessage(handle));
        }
        throw err;
      }
    },

    handleMention: (input) => within(budgetMs, () => workflows.startMention(input)),

    investigate: (incidentNumber, requestedBy) => within(budgetMs, () => workflows.startInvestigation(incidentNumber, requestedBy)),

    async decideForIncident(incidentNumber, decision, patienceMs) {
      const status = await this.incidentStatus(incidentNumber, patienceMs);
      if (!status.pendingApproval) throw new DecisionRefusedError(`${incidentNumber} has no decision waiting (stage: ${status.stage}).`);
      return this.decide(status.pendingApproval.workflowId, decision, `${status.pendingApproval.workflowId}:${decision.userId}:`);
    },

    async pendingDecisions() {
      const query = `WorkflowType = "incidentInvestigation" AND ExecutionStatus = "Running" AND OpsStage = "awaiting-decision" AND TaskQueue = "${taskQueue.replace(/["\\]/g, '')}"`;
      const counts: PendingDecisionCounts = new Map();
      await within(WEBHOOK_CALL_BUDGET_MS, async () => {
        let listed = 0;
        for await (const run of client.workflow.list({ query, pageSize: PENDING_PAGE_SIZE })) {
          // Runs recorded before routes carry no OpsRoute: they went to the default settings.
          const key = pendingKey(run.typedSearchAttributes.get(OpsRoute) || DEFAULT_ROUTE, run.typedSearchAttributes.get(IncidentPriority) || 'unknown');
          counts.set(key, (counts.get(key) ?? 0) + 1);
          if (++listed >= MAX_PENDING_LISTED) break;
        }
      });
      return counts;
    },

    async jobs(channelId, userId, limit = 10) {
      const query = `SlackChannel = "${channelId.replace(/"/g, '')}" OR OpsRequester = "${userId.replace(/"/g, '')}"`;
      const jobs: JobSummary[] = [];
      await within(budgetMs, async () => {
        for await (const run of client.workflow.list({ query, pageSize: limit })) {
          jobs.push({
            workflowId: run.workflowId,
            type: run.type,
            status: run.status.name,
            stage: run.typedSearchAttributes.get(OpsStage),
            startTime: run.startTime,
          });
          if (jobs.length >= limit) break;
        }
      });
      return jobs.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
    },

    openIncident: (viewId, input) => within(budgetMs, () => workflows.openIncident(viewId, input)),

    async approvalPreview(approvalWorkflowId) {
      const status = await within(budgetMs, () => client.workflow.getHandle(approvalWorkflowId).query(approvalStatusQuery));
      return status.preview;
    },

    startAction: (workflowId, input) => within(budgetMs, () => workflows.startAction(workflowId, input)),

    async cancelAction(idOrShortId, userId) {
      return within(budgetMs, async () => {
        let workflowId = idOrShortId;
        if (!idOrShortId.startsWith('action/')) {
          const found: string[] = [];
          for await (const run of client.workflow.list({ query: `WorkflowType = "runbookAction" AND ExecutionStatus = "Running"` })) {
            if (run.workflowId.endsWith(`/${idOrShortId}`)) found.push(run.workflowId);
          }
          if (found.length !== 1) throw new UnknownActionError(`no running action with id ${idOrShortId}`);
          workflowId = found[0]!;
        }
        const handle = client.workflow.getHandle(workflowId);
        try {
          const { status } = await handle.describe();
          if (status.name !== 'RUNNING') throw new UnknownActionError(`${workflowId} is not running (${status.name.toLowerCase()})`);
          await handle.signal(cancelRequestedSignal, userId);
          await handle.cancel();
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) throw new UnknownActionError(`no action ${workflowId}`);
          throw err;
        }
        return workflowId;
      });
    },

    async incidentStatus(incidentNumber, patienceMs = budgetMs) {
      const handle = client.workflow.getHandle(incidentWorkflowId(incidentNumber));
      const giveUpAt = Date.now() + patienceMs;
      // A query needs a worker; while none is up each attempt times out, and a longer patience asks again.
      for (;;) {
        try {
          return await within(Math.min(budgetMs, Math.max(giveUpAt - Date.now(), 1)), () => handle.query(incidentStatusQuery));
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) throw new UnknownIncidentError(incidentNumber);
          if (Date.now() >= giveUpAt) throw err;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    },
  };
}
