// Workflow-safe: plain types only. How an investigation is followed through an agent's task API.
import type { Findings } from './schemas/findings';

/** An agent task OpsLoop created for an incident. */
export interface AgentTaskRef {
  taskId: string;
  executionId?: string;
  status: string;
}

/** Where an agent task stands; `linkedTo` names the primary task when the agent merged this one into it. */
export type AgentTaskProgress =
  | { state: 'pending'; taskId: string; status: string; executionId?: string; linkedTo?: string }
  | { state: 'completed'; taskId: string; status: string; findings: Findings; linkedTo?: string }
  | { state: 'ended'; taskId: string; status: string; reason: string; linkedTo?: string };

/** An AWS DevOps Agent lifecycle event (EventBridge), reduced to what the investigation needs. */
export interface AgentTaskEvent {
  taskId: string;
  executionId?: string;
  status: string;
  detailType: string;
}

/** Detail-types after which the task has a final answer worth fetching now. */
export const TERMINAL_AGENT_EVENTS = [
  'Investigation Completed',
  'Investigation Failed',
  'Investigation Timed Out',
  'Investigation Cancelled',
  'Investigation Linked',
  'Investigation Skipped',
] as const;

/** How an investigator reports back: findings posted to OpsLoop's callback, or a task OpsLoop follows. */
export type InvestigatorMode = 'callback' | 'task';
