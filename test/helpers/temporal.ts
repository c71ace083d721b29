import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';

/** The dev server test/helpers/global-setup.ts started for this jest run. */
export function temporalAddress(): string {
  const address = process.env.OPSLOOP_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('integration tests need test/helpers/global-setup.ts (run them through jest)');
  return address;
}

/** The workflow bundle test/helpers/global-setup.ts built once for this jest run. */
export function workflowBundle(): { code: string } {
  return { code: readFileSync(String(process.env.OPSLOOP_TEST_WORKFLOW_BUNDLE), 'utf8') };
}

let runtimeInstalled = false;
/** Keeps the worker's native core to errors (it logs e.g. "Task not found" when a test terminates runs). */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  } catch {
    // already installed by another helper in this process
  }
}

/**
 * Workflow ids are incident numbers, shared by every test on the one dev server: a run left open on a stack's task
 * queue (its worker about to stop) would swallow the next test's signal. Runs get `graceMs` to finish (those waiting
 * for a person never will), then the rest are terminated.
 */
export async function endRunsOn(client: Client, taskQueue: string, graceMs: number): Promise<void> {
  const query = `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && (await client.workflow.count(query)).count > 0) {
    await new Promise((r) => setTimeout(r, 100));
  }
  for await (const run of client.workflow.list({ query })) {
    await client.workflow.getHandle(run.workflowId, run.runId).terminate('test stack closed').catch(() => undefined);
  }
}

/** Asserts, through visibility, that nothing was ever started on the task queue. */
export async function expectNoWorkflowsIn(stack: { client: Client; taskQueue: string }): Promise<void> {
  // Give a wrongly started run time to reach visibility before concluding it does not exist.
  await new Promise((r) => setTimeout(r, 300));
  const { count } = await stack.client.workflow.count(`TaskQueue = "${stack.taskQueue}"`);
  if (count !== 0) throw new Error(`expected no workflows on ${stack.taskQueue}, found ${count}`);
}
