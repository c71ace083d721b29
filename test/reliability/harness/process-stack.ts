import { rmSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { AuditStore } from '../../../src/audit/audit-store';
import { createPostgresAuditStore } from '../../../src/audit/postgres-store';
import type { AuditEvent } from '../../../src/contracts/audit';
import { hermeticEnv, startEntryPoint, type RunningChild } from '../../../src/local/child-process';
import type { FakeAgent } from '../../../src/sandbox/fake-agent';
import type { FakeServiceNow } from '../../../src/sandbox/fake-servicenow';
import type { FakeSlack } from '../../../src/sandbox/fake-slack';
import type { SandboxSecrets } from '../../../src/sandbox/world';
import { freePort } from '../../helpers/free-port';
import { createScratchDatabase } from '../../helpers/scratch-database';
import { endRunsOn } from '../../helpers/temporal';
import { startTestWorld } from '../../helpers/test-world';

export interface ProcessStackOptions {
  temporalAddress: string;
  /** Extra worker variables, e.g. OPSLOOP_FINDINGS_TIMEOUT_MS or NODE_OPTIONS (the API does not get them). */
  workerEnv?: Record<string, string>;
}

/**
 * The real API and the real worker as child processes (`npm run api` / `npm run worker` without npm), configured
 * only through the environment, with the fakes on loopback in this process. The worker can be SIGKILLed and
 * started again; every line both processes print is kept in `output`. The audit trail is in a PostgreSQL database of
 * the stack's own: a rolling restart runs two workers at once, which one JSON-lines file does not take.
 */
export interface ProcessStack {
  apiUrl: string;
  taskQueue: string;
  signingSecret: string;
  serviceNowWebhookSecret: string;
  /** Every secret the processes were configured with, by variable name. */
  secrets: SandboxSecrets;
  output: string[];
  client: Client;
  slack: FakeSlack;
  servicenow: FakeServiceNow;
  agent: FakeAgent;
  api(): RunningChild;
  /** Starts the API again after it was stopped (`api().stop()`), on the same port. */
  startApi(): Promise<void>;
  worker(): RunningChild;
  startWorker(): Promise<void>;
  /**
   * A rolling restart: starts a new worker, waits until it runs, then stops the old one with SIGTERM (the worker
   * drains within its shutdown grace). `beforeStop` runs between the two, e.g. to wait for work in flight. Resolves
   * with how long the old one took to exit.
   */
  rollWorker(options?: { beforeStop?: () => Promise<unknown> }): Promise<{ stopMs: number }>;
  audit(): Promise<AuditEvent[]>;
  close(): Promise<void>;
}

const WORKER_READY = /"msg":"worker running"/;
const API_READY = /"msg":"api listening"/;
/** The worker bundles the workflow code as it starts (about 3 s here); a loaded CI machine needs far more. */
const START_TIMEOUT_MS = 60_000;
/** Investigations in flight at once, at the sandbox Agent Space and in OpsLoop's queue: the soak's concurrency. */
const AGENT_CONCURRENCY = 24;

export async function startProcessStack(options: ProcessStackOptions): Promise<ProcessStack> {
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  // The faults are OpsLoop's, not the agent's: its quota (3 at once) is raised so that it never paces the suite.
  const { world, taskQueue, env } = await startTestWorld({ apiUrl, temporalAddress: options.temporalAddress, name: 'reliability', agentConcurrency: AGENT_CONCURRENCY });
  const database = await createScratchDatabase('opsloop_reliability_audit');
  const apiEnv = {
    ...hermeticEnv(),
    ...env,
    OPSLOOP_AGENT_MAX_CONCURRENT: String(AGENT_CONCURRENCY),
    DATABASE_URL: database.url,
    PORT: String(apiPort),
    // The most talkative level a production operator might pick: secrets must not leak even here.
    LOG_LEVEL: 'debug',
  };
  const workerEnv = {
    ...apiEnv,
    // The bundle the jest setup built once: restarts take seconds less (the soak, outside jest, bundles at start).
    ...(process.env.OPSLOOP_TEST_WORKFLOW_BUNDLE ? { OPSLOOP_WORKFLOW_BUNDLE: process.env.OPSLOOP_TEST_WORKFLOW_BUNDLE } : {}),
    ...options.workerEnv,
  };

  const output: string[] = [];
  const start = (name: 'api' | 'worker') =>
    startEntryPoint(name, `src/${name}/main.ts`, { env: name === 'api' ? apiEnv : workerEnv, onLine: (line) => output.push(`[${name}] ${line}`) });
  let api = start('api');
  let worker = start('worker');
  const startApi = async () => {
    if (api.running()) throw new Error('the API is still running');
    api = start('api');
    await api.waitForLine(API_READY, START_TIMEOUT_MS);
  };
  const startWorker = async () => {
    if (worker.running()) throw new Error('the worker is still running');
    worker = start('worker');
    await worker.waitForLine(WORKER_READY, START_TIMEOUT_MS);
  };
  const rollWorker = async (options: { beforeStop?: () => Promise<unknown> } = {}) => {
    const previous = worker;
    const next = start('worker');
    try {
      await next.waitForLine(WORKER_READY, START_TIMEOUT_MS);
    } catch (err) {
      await next.kill9();
      throw err;
    }
    worker = next;
    await options.beforeStop?.();
    const stopping = Date.now();
    await previous.stop();
    return { stopMs: Date.now() - stopping };
  };
  const connection = await Connection.connect({ address: options.temporalAddress });
  const client = new Client({ connection });
  // Opened on first read: the processes create the table as they start.
  let audit: Promise<AuditStore> | undefined;
  const auditStore = () => (audit ??= createPostgresAuditStore(database.url));

  const close = async () => {
    await Promise.all([api.stop(), worker.kill9()]);
    await client.withDeadline(Date.now() + 10_000, () => endRunsOn(client, taskQueue, 0)).catch(() => undefined);
    await world.stop();
    await connection.close();
    await (await audit?.catch(() => undefined))?.close();
    await database.drop();
    if (env.OPSLOOP_DATA_DIR) rmSync(env.OPSLOOP_DATA_DIR, { recursive: true, force: true });
  };
  try {
    await Promise.all([api.waitForLine(API_READY, START_TIMEOUT_MS), worker.waitForLine(WORKER_READY, START_TIMEOUT_MS)]);
  } catch (err) {
    await close();
    throw err;
  }

  return {
    apiUrl,
    taskQueue,
    signingSecret: world.secrets.SLACK_SIGNING_SECRET,
    serviceNowWebhookSecret: world.secrets.SERVICENOW_WEBHOOK_SECRET,
    secrets: world.secrets,
    output,
    client,
    slack: world.slack,
    servicenow: world.servicenow,
    agent: world.agent,
    api: () => api,
    startApi,
    worker: () => worker,
    startWorker,
    rollWorker,
    audit: async () => (await auditStore()).list({}),
    close,
  };
}
