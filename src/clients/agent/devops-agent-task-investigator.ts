import type { AgentTaskProgress, AgentTaskRef } from '../../contracts/agent-task';
import type { InvestigationRequest } from '../../contracts/investigation';
import type { Findings } from '../../contracts/schemas/findings';
import type { DevOpsAgentApi } from './devops-agent-api';
import { markdownOf, type AgentTask, type JournalRecord } from './devops-agent-shapes';
import { toDevOpsAgentPriority, type TaskInvestigator } from './investigator';

export interface TaskInvestigatorConfig {
  api: DevOpsAgentApi;
  /** The Agent Space's ServiceNow association: every task's `reference` names it. */
  associationId: string;
  /** A link to a task in the agent's console, `{taskId}` replaced; none when unset. */
  taskUrlTemplate?: string;
}

const SUMMARY = 'investigation_summary_md';
const MITIGATION = 'mitigation_summary_md';
/** A LINKED task points at its primary; the primary may itself be linked. Bounded so a cycle cannot loop forever. */
const MAX_LINK_HOPS = 3;
/** The findings schema's bound on the summary and the mitigation. */
const MAX_MARKDOWN = 40_000;

const ENDED_REASONS: Readonly<Record<string, string>> = {
  FAILED: 'the agent reported the investigation failed',
  TIMED_OUT: 'the agent timed out before finishing the investigation',
  CANCELED: 'the investigation was cancelled in the agent',
  SKIPPED: 'the agent skipped the investigation',
};

const descriptionOf = (r: InvestigationRequest): string =>
  [r.description, r.service ? `Configuration item: ${r.service}` : '', r.incidentUrl ? `ServiceNow: ${r.incidentUrl}` : ''].filter(Boolean).join('\n\n').slice(0, 10_000);

const newest = (records: JournalRecord[], type: string): string => {
  const texts = records.filter((r) => r.recordType === type).map((r) => markdownOf(r.content).trim()).filter(Boolean);
  return texts.at(-1) ?? '';
};

/** Investigations through the AWS DevOps Agent API: CreateBacklogTask, then GetBacklogTask and the journal. */
export function createDevOpsAgentTaskInvestigator(cfg: TaskInvestigatorConfig): TaskInvestigator {
  const { api } = cfg;
  const urlOf = (taskId: string): string | undefined => cfg.taskUrlTemplate?.replace('{taskId}', encodeURIComponent(taskId));

  /** The task, or the primary task it was linked into; `linkedTo` says which primary answered. */
  async function followLinks(taskId: string): Promise<{ task: AgentTask; linkedTo?: string }> {
    let task = await api.getBacklogTask(taskId);
    let linkedTo: string | undefined;
    for (let hop = 0; task.status === 'LINKED' && task.primaryTaskId && hop < MAX_LINK_HOPS; hop += 1) {
      linkedTo = task.primaryTaskId;
      task = await api.getBacklogTask(task.primaryTaskId);
    }
    return { task, linkedTo };
  }

  async function findingsOf(task: AgentTask, incidentNumber: string): Promise<Findings | undefined> {
    const executions = await api.listExecutions(task.taskId);
    const executionIds = [...new Set([task.executionId, ...executions.map((e) => e.executionId)].filter((id): id is string => Boolean(id)))];
    const records: JournalRecord[] = [];
    for (const executionId of executionIds) {
      records.push(...(await api.listJournalRecords(executionId, SUMMARY)), ...(await api.listJournalRecords(executionId, MITIGATION)));
    }
    const summary = newest(records, SUMMARY);
    if (!summary) return undefined;
    const mitigation = newest(records, MITIGATION);
    const url = urlOf(task.taskId);
    return {
      incidentNumber,
      status: 'completed',
      source: 'aws-devops-agent',
      summary: summary.slice(0, MAX_MARKDOWN),
      ...(mitigation ? { mitigation: mitigation.slice(0, MAX_MARKDOWN) } : {}),
      ...(url ? { url } : {}),
    };
  }

  return {
    name: 'aws-devops-agent',
    mode: 'task',
    async startTask(request, clientToken): Promise<AgentTaskRef> {
      const task = await api.createBacklogTask({
        taskType: 'INVESTIGATION',
        title: `${request.incidentNumber}: ${request.title}`.slice(0, 400),
        description: descriptionOf(request) || undefined,
        priority: toDevOpsAgentPriority(request.priority),
        reference: { system: 'ServiceNow', referenceId: request.incidentNumber, referenceUrl: request.incidentUrl ?? '', associationId: cfg.associationId },
        clientToken,
      });
      return { taskId: task.taskId, status: task.status, ...(task.executionId ? { executionId: task.executionId } : {}) };
    },

    async checkTask(taskId, incidentNumber): Promise<AgentTaskProgress> {
      const { task, linkedTo } = await followLinks(taskId);
      const link = linkedTo ? { linkedTo } : {};
      if (task.status === 'COMPLETED') {
        const findings = await findingsOf(task, incidentNumber);
        if (findings) return { state: 'completed', taskId, status: task.status, findings, ...link };
        return { state: 'ended', taskId, status: task.status, reason: 'the agent completed the investigation without writing a summary', ...link };
      }
      const ended = ENDED_REASONS[task.status];
      if (ended) return { state: 'ended', taskId, status: task.status, reason: task.statusReason ? `${ended}: ${task.statusReason}` : ended, ...link };
      if (task.status === 'LINKED') return { state: 'ended', taskId, status: task.status, reason: 'the agent linked the investigation to a task OpsLoop cannot follow', ...link };
      return { state: 'pending', taskId, status: task.status, ...(task.executionId ? { executionId: task.executionId } : {}), ...link };
    },
  };
}
