import { randomUUID } from 'node:crypto';
import { TERMINAL_TASK_STATUSES, type AgentTask, type CreateBacklogTaskInput, type Execution, type JournalRecord } from '../clients/agent/devops-agent-shapes';
import { sandboxJournal } from './sandbox-diagnosis';

/*
 * The Agent Space's backlog as the AWS DevOps Agent keeps it (service model devops-agent 2026-01-01; task lifecycle
 * and quotas in https://docs.aws.amazon.com/devopsagent/latest/userguide/quotas.html): a created task waits in
 * PENDING_START while the space already runs its concurrent investigations (3 by default), then runs (IN_PROGRESS,
 * with an execution), then ends COMPLETED with journal records, or FAILED / TIMED_OUT / CANCELED / SKIPPED, or is
 * LINKED into an investigation of the same fault already under way.
 */

/** How an incident's investigation ends in the sandbox; default COMPLETED. `linkTo` names the incident it joins. */
export type SandboxOutcome = 'COMPLETED' | 'FAILED' | 'TIMED_OUT' | 'CANCELED' | 'SKIPPED' | 'SILENT' | { linkTo: string };

export interface StatusChange {
  task: AgentTask;
  detailType: string;
}

export interface BacklogOptions {
  agentSpaceId: string;
  /** How long an investigation runs once started. */
  delayMs: number;
  /** Concurrent investigations the space runs; the rest wait in PENDING_START. */
  concurrency: number;
  outcomeOf: (incidentNumber: string) => SandboxOutcome;
  onChange: (change: StatusChange) => void;
}

const DETAIL_TYPES: Readonly<Record<string, string>> = {
  PENDING_START: 'Investigation Created',
  IN_PROGRESS: 'Investigation In Progress',
  COMPLETED: 'Investigation Completed',
  FAILED: 'Investigation Failed',
  TIMED_OUT: 'Investigation Timed Out',
  CANCELED: 'Investigation Cancelled',
  SKIPPED: 'Investigation Skipped',
  LINKED: 'Investigation Linked',
};

const isTerminal = (status: string) => (TERMINAL_TASK_STATUSES as readonly string[]).includes(status);
const nowSeconds = () => Date.now() / 1000;

export function createBacklog(o: BacklogOptions) {
  const tasks = new Map<string, AgentTask>();
  const byClientToken = new Map<string, string>();
  const executions = new Map<string, Execution>();
  const taskOfExecution = new Map<string, string>();
  const journal: JournalRecord[] = [];
  const timers = new Set<NodeJS.Timeout>();
  /** The most tasks that were ever created and not yet ended at once: what an integrator's queue must bound. */
  let inFlight = 0;
  let maxInFlight = 0;

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const incidentOf = (task: AgentTask) => task.reference?.referenceId ?? '';

  function move(task: AgentTask, status: string, extra: Partial<AgentTask> = {}): void {
    const wasOpen = !isTerminal(task.status);
    Object.assign(task, extra, { status, updatedAt: nowSeconds() });
    if (wasOpen && isTerminal(status)) inFlight -= 1;
    o.onChange({ task: { ...task }, detailType: DETAIL_TYPES[status] ?? `Investigation ${status}` });
    if (isTerminal(status)) startWaiting();
  }

  function finish(task: AgentTask): void {
    const outcome = o.outcomeOf(incidentOf(task));
    if (outcome === 'SILENT') return;
    // A link whose primary never existed investigates on its own.
    if (typeof outcome === 'string' && outcome !== 'COMPLETED') {
      move(task, outcome, { statusReason: `sandbox outcome ${outcome}` });
      return;
    }
    const { investigationSummary, mitigationSummary } = sandboxJournal(task.title ?? '', task.description ?? '');
    const executionId = task.executionId!;
    const at = nowSeconds();
    journal.push(
      { executionId, recordId: randomUUID(), recordType: 'observation', content: { text: 'Checked metrics, logs and recent deployments.' }, createdAt: at },
      { executionId, recordId: randomUUID(), recordType: 'investigation_summary_md', content: investigationSummary, createdAt: at },
    );
    if (mitigationSummary) journal.push({ executionId, recordId: randomUUID(), recordType: 'mitigation_summary_md', content: { markdown: mitigationSummary }, createdAt: at });
    executions.get(executionId)!.executionStatus = 'STOPPED';
    move(task, 'COMPLETED');
  }

  function startWaiting(): void {
    const running = [...tasks.values()].filter((t) => t.status === 'IN_PROGRESS').length;
    const waiting = [...tasks.values()].filter((t) => t.status === 'PENDING_START');
    for (const task of waiting.slice(0, Math.max(0, o.concurrency - running))) {
      const executionId = randomUUID();
      executions.set(executionId, { executionId, agentSubTask: 'investigation', executionStatus: 'RUNNING', createdAt: nowSeconds() });
      taskOfExecution.set(executionId, task.taskId);
      move(task, 'IN_PROGRESS', { executionId });
      later(o.delayMs, () => finish(task));
    }
  }

  return {
    tasks,
    journal,
    get maxInFlight() {
      return maxInFlight;
    },
    /** CreateBacklogTask: the same clientToken returns the task it created before. */
    create(input: CreateBacklogTaskInput): { task: AgentTask; created: boolean } {
      const known = input.clientToken ? byClientToken.get(input.clientToken) : undefined;
      if (known) return { task: tasks.get(known)!, created: false };
      const at = nowSeconds();
      const task: AgentTask = { agentSpaceId: o.agentSpaceId, taskId: randomUUID(), title: input.title, description: input.description, reference: input.reference, taskType: input.taskType, priority: input.priority, status: 'PENDING_START', createdAt: at, updatedAt: at };
      tasks.set(task.taskId, task);
      if (input.clientToken) byClientToken.set(input.clientToken, task.taskId);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      o.onChange({ task: { ...task }, detailType: DETAIL_TYPES.PENDING_START! });
      const outcome = o.outcomeOf(incidentOf(task));
      const primary = typeof outcome === 'object' ? [...tasks.values()].find((t) => t !== task && incidentOf(t) === outcome.linkTo) : undefined;
      if (primary) move(task, 'LINKED', { primaryTaskId: primary.taskId });
      else startWaiting();
      return { task, created: true };
    },
    executionsOf: (taskId: string): Execution[] => [...executions.values()].filter((e) => taskOfExecution.get(e.executionId) === taskId),
    recordsOf: (executionId: string, recordType: string): JournalRecord[] => journal.filter((r) => r.executionId === executionId && (!recordType || r.recordType === recordType)),
    close(): void {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

export type Backlog = ReturnType<typeof createBacklog>;
