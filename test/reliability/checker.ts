import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import type { AuditEvent } from '../../src/contracts/audit';
import type { FakeAgent } from '../../src/sandbox/fake-agent';
import type { FakeServiceNow } from '../../src/sandbox/fake-servicenow';
import type { FakeSlack } from '../../src/sandbox/fake-slack';
import { acknowledged, checkEffects } from './check-effects';
import { checkAgentTasks, checkFakes, checkSecrets, type IncidentExpectation } from './check-fakes';
import { workflowTaskFailures } from './harness/histories';
import { collectRuns, isLongLived } from './harness/runs';
import type { Effect, Ledger } from './ledger';

/** What the checker can look at: Temporal (by the run's task queue), the fakes, the audit trail, the processes' output. */
export interface World {
  client: Client;
  taskQueue: string;
  slack: FakeSlack;
  servicenow: FakeServiceNow;
  /** The sandbox agent, when the world has one: its tasks are side effects like any other. */
  agent?: FakeAgent;
  audit?: () => Promise<AuditEvent[]>;
  output?: readonly string[];
  secrets?: Record<string, string>;
}

export interface Expectations {
  /**
   * Terminal status by workflow id; every other run on the task queue must have COMPLETED, but for the long-lived
   * ones (the agent-slot semaphore, channel notifiers), which must be running or have continued as new.
   */
  workflows?: Record<string, WorkflowExecutionStatusName>;
  incidents?: Record<string, IncidentExpectation>;
  /** Nothing at all may have started on the task queue (hostile input). */
  noWorkflows?: boolean;
  /** How long runs may take to reach their terminal state; default 30 s. */
  settleMs?: number;
}

export interface Verdict {
  violations: string[];
  requests: number;
  acknowledged: number;
  /** Runs on the task queue, the long-lived ones left out. */
  runs: number;
}

/**
 * The verdict on one run of the driver (the faults are listed in test/reliability/README.md): every acknowledged request has
 * exactly its durable effect, refused ones have none, every run on the task queue reached its expected terminal
 * state without failed workflow tasks, the fakes saw each side effect once, and no secret reached a log line.
 */
export async function check(ledger: Ledger, world: World, expectations: Expectations = {}): Promise<Verdict> {
  const expected = expectations.workflows ?? {};
  const runs = await collectRuns(world.client, world.taskQueue, expected, expectations.settleMs ?? 30_000);
  const violations: string[] = [];

  const all = [...runs.values()].flat();
  if (expectations.noWorkflows && all.length > 0) violations.push(`expected no workflows, found ${all.map((r) => r.workflowId).join(', ')}`);
  for (const run of all) {
    if (!expected[run.workflowId] && isLongLived(run.workflowId, world.taskQueue)) {
      if (run.status !== 'RUNNING' && run.status !== 'CONTINUED_AS_NEW') violations.push(`${run.workflowId} (${run.runId}): ${run.status}, expected RUNNING`);
    } else {
      const want = expected[run.workflowId] ?? 'COMPLETED';
      if (run.status !== want) violations.push(`${run.workflowId} (${run.runId}): ${run.status}, expected ${want}`);
    }
    const failedTasks = workflowTaskFailures(run);
    if (failedTasks > 0) violations.push(`${run.workflowId}: ${failedTasks} failed workflow task(s)`);
  }
  for (const [workflowId, status] of Object.entries(expected)) {
    if ((runs.get(workflowId) ?? []).length === 0) violations.push(`${workflowId}: never started, expected ${status}`);
  }

  for (const entry of ledger.entries) {
    if (entry.status >= 500 && entry.status !== 503) violations.push(`#${entry.seq} ${entry.route}: answered ${entry.status}`);
  }
  const audit = world.audit ? await world.audit() : undefined;
  const sentElsewhere = (effect: Effect) =>
    effect.kind === 'incident-event'
      ? world.servicenow.deliveries.filter((d) => d.number === effect.incidentNumber && Number(d.sysModCount) === effect.sysModCount && d.status !== 503).length
      : 0;
  violations.push(...checkEffects(ledger.entries, runs, audit, sentElsewhere));

  const touched = ledger.entries.flatMap((e) => ('incidentNumber' in e.effect ? [e.effect.incidentNumber] : []));
  violations.push(...checkFakes(world.slack, world.servicenow, touched, expectations.incidents ?? {}));
  if (world.agent) violations.push(...checkAgentTasks(world.agent));
  if (world.output && world.secrets) violations.push(...checkSecrets(world.output, world.secrets));

  const longLived = all.filter((r) => !expected[r.workflowId] && isLongLived(r.workflowId, world.taskQueue)).length;
  return { violations, requests: ledger.entries.length, acknowledged: ledger.entries.filter(acknowledged).length, runs: all.length - longLived };
}
