import type { AgentTaskProgress, AgentTaskRef } from '../../contracts/agent-task';
import type { InvestigationRequest } from '../../contracts/investigation';

/** An investigator that is triggered once and later posts its findings to OpsLoop's callback (`POST /webhooks/agent`). */
export interface CallbackInvestigator {
  readonly name: string;
  readonly mode: 'callback';
  /** Resolves once the agent accepted the trigger; throws HttpError, NetworkError or TimeoutError otherwise. */
  requestInvestigation(request: InvestigationRequest): Promise<void>;
}

/** An investigator with a task API: OpsLoop creates a task and follows it until it has results. */
export interface TaskInvestigator {
  readonly name: string;
  readonly mode: 'task';
  /** Creates the task; the same `clientToken` returns the same task instead of a second one. */
  startTask(request: InvestigationRequest, clientToken: string): Promise<AgentTaskRef>;
  /** The task's status now, with its findings once it completed. */
  checkTask(taskId: string, incidentNumber: string): Promise<AgentTaskProgress>;
}

export type Investigator = CallbackInvestigator | TaskInvestigator;

export type DevOpsAgentPriority = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'MINIMAL';

/** The AWS DevOps Agent generic webhook body ("Payload schema" in the user guide). */
export interface GenericWebhookPayload {
  eventType: 'incident';
  incidentId: string;
  action: InvestigationRequest['action'];
  priority: DevOpsAgentPriority;
  title: string;
  description: string;
  timestamp: string;
  service?: string;
  data: { sysId: string; incidentUrl?: string; source: 'opsloop' };
}

const PRIORITIES: Readonly<Record<string, DevOpsAgentPriority>> = {
  '1': 'CRITICAL',
  '2': 'HIGH',
  '3': 'MEDIUM',
  '4': 'LOW',
  '5': 'MINIMAL',
};

/** ServiceNow priority 1–5 to the agent's enum; an unknown priority should still trigger an investigation. */
export function toDevOpsAgentPriority(priority: string): DevOpsAgentPriority {
  return PRIORITIES[priority.trim()] ?? 'MEDIUM';
}

/** `now` becomes the payload timestamp: the agent deduplicates on it, so each trigger needs a fresh one. */
export function toGenericWebhookPayload(request: InvestigationRequest, now: Date): GenericWebhookPayload {
  return {
    eventType: 'incident',
    incidentId: request.incidentNumber,
    action: request.action,
    priority: toDevOpsAgentPriority(request.priority),
    title: request.title,
    description: request.description,
    timestamp: now.toISOString(),
    ...(request.service !== undefined ? { service: request.service } : {}),
    data: {
      sysId: request.sysId,
      ...(request.incidentUrl !== undefined ? { incidentUrl: request.incidentUrl } : {}),
      source: 'opsloop',
    },
  };
}
