import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Policy } from '../../src/policy/schema';
import type { Catalog } from '../../src/runbook/catalog-schema';
import type { OpsLoopEnv } from '../../src/sandbox/sandbox-files';
import { startSandboxWorld, type SandboxWorld } from '../../src/sandbox/world';
import { testPolicy } from './test-policy';

export interface TestWorldOptions {
  /** Where OpsLoop's API will listen: the Business Rule and the agent's callbacks post there. */
  apiUrl: string;
  temporalAddress: string;
  /** Prefix of the task queue, which is fresh for every world. */
  name: string;
  policy?: Policy;
  catalog?: Catalog;
  /** How long the fake agent "investigates"; default 200 ms. */
  agentDelayMs?: number;
  /** Whether the sandbox agent delivers lifecycle events to OpsLoop (default true). */
  agentEvents?: boolean;
  /** Investigations the sandbox Agent Space runs at once (default 3, AWS's quota). */
  agentConcurrency?: number;
}

export interface TestWorld {
  world: SandboxWorld;
  taskQueue: string;
  /** Everything OpsLoop's API and worker read (src/config/env.ts) to run against this world. */
  env: OpsLoopEnv;
}

/**
 * The sandbox world a test stack runs against, on the jest run's shared dev server: its own task queue, fakes,
 * secrets and files. The Business Rule is not installed: each test installs the one it needs.
 */
export async function startTestWorld(o: TestWorldOptions): Promise<TestWorld> {
  const taskQueue = `${o.name}-${randomUUID()}`;
  const world = await startSandboxWorld({
    apiUrl: o.apiUrl,
    dir: mkdtempSync(join(tmpdir(), `opsloop-${o.name}-`)),
    policy: o.policy ?? testPolicy(),
    catalog: o.catalog,
    agentDelayMs: o.agentDelayMs ?? 200,
    agentEvents: o.agentEvents,
    agentConcurrency: o.agentConcurrency,
    installBusinessRule: false,
  });
  const env = {
    ...world.env,
    TEMPORAL_ADDRESS: o.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    // Tests cut a hung ServiceNow call in 3 s, where the activity's start-to-close timeout alone would take 15.
    SERVICENOW_TIMEOUT_MS: '3000',
    // The reconcile schedule has one id per namespace; tests sharing the dev server must not race for it.
    OPSLOOP_RECONCILE_INTERVAL_MS: '0',
  };
  return { world, taskQueue, env };
}
