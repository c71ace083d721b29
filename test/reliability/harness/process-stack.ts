import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { AuditEvent } from '../../../src/contracts/audit';
import { createJsonlAuditStore } from '../../../src/audit/jsonl-store';
import { startFakeAgent, type FakeAgent } from '../../../src/sandbox/fake-agent';
import { startFakeServiceNow, type FakeServiceNow } from '../../../src/sandbox/fake-servicenow';
import { startFakeSlack, type FakeSlack } from '../../../src/sandbox/fake-slack';
import { freePort } from '../../helpers/free-port';
import { testPolicy } from '../../helpers/stack';
import { startChild, type Child } from './child';

export interface ProcessStackOptions {
  temporalAddress: string;
  /** Extra worker variables, e.g. OPSLOOP_FINDINGS_TIMEOUT_MS. */
  workerEnv?: Record<string, string>;
}

/**
 * The real API and the real worker as child processes (`npm run api` / `npm run worker` without npm), configured
 * only through the environment, with the fakes on loopback in this process. The worker can be SIGKILLed and
 * started again; every line both processes print is kept in `output`.
 */
export interface ProcessStack {
  apiUrl: string;
  taskQueue: string;
  signingSecret: string;
  serviceNowWebhookSecret: string;
  /** Every secret the processes were configured with, by variable name. */
  secrets: Record<SecretName, string>;
  output: string[];
  client: Client;
  slack: FakeSlack;
  servicenow: FakeServiceNow;
  agent: FakeAgent;
  api: Child;
  worker(): Child;
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

export type SecretName =
  | 'SLACK_SIGNING_SECRET'
  | 'SLACK_BOT_TOKEN'
  | 'SERVICENOW_PASSWORD'
  | 'SERVICENOW_WEBHOOK_SECRET'
  | 'AGENT_WEBHOOK_SECRET'
  | 'AGENT_CALLBACK_SECRET';

const WORKER_READY = /"msg":"worker running"/;
const API_READY = /"msg":"api listening"/;
/** The worker bundles the workflow code as it starts (about 3 s here); a loaded CI machine needs far more. */
const START_TIMEOUT_MS = 60_000;

export async function startProcessStack(options: ProcessStackOptions): Promise<ProcessStack> {
  const taskQueue = `reliability-${randomUUID()}`;
  const secrets: Record<SecretName, string> = {
    SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
    SLACK_BOT_TOKEN: `xoxb-${randomBytes(12).toString('hex')}`,
    SERVICENOW_PASSWORD: randomBytes(12).toString('hex'),
    SERVICENOW_WEBHOOK_SECRET: randomBytes(20).toString('hex'),
    AGENT_WEBHOOK_SECRET: randomBytes(20).toString('hex'),
    AGENT_CALLBACK_SECRET: randomBytes(20).toString('hex'),
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'opsloop-reliability-'));
  const policyFile = join(dataDir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(testPolicy()));
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;

  const slack = await startFakeSlack({ botToken: secrets.SLACK_BOT_TOKEN });
  const servicenow = await startFakeServiceNow({
    username: 'opsloop.reliability',
    password: secrets.SERVICENOW_PASSWORD,
    firstNumber: 1_000_000 + Math.floor(Math.random() * 8_000_000),
  });
  const agent = await startFakeAgent({ secret: secrets.AGENT_WEBHOOK_SECRET, auth: 'hmac', callback: { url: apiUrl, secret: secrets.AGENT_CALLBACK_SECRET } });

  const common = {
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    OPSLOOP_POLICY_FILE: policyFile,
    OPSLOOP_DATA_DIR: dataDir,
    // The most talkative level a production operator might pick: secrets must not leak even here.
    LOG_LEVEL: 'debug',
  };
  const apiEnv = {
    ...common,
    PORT: String(apiPort),
    SLACK_SIGNING_SECRET: secrets.SLACK_SIGNING_SECRET,
    SLACK_BOT_TOKEN: secrets.SLACK_BOT_TOKEN,
    SLACK_API_URL: `${slack.url}/api/`,
    SERVICENOW_WEBHOOK_SECRET: secrets.SERVICENOW_WEBHOOK_SECRET,
    AGENT_CALLBACK_SECRET: secrets.AGENT_CALLBACK_SECRET,
  };
  const workerEnv = {
    ...common,
    SLACK_BOT_TOKEN: secrets.SLACK_BOT_TOKEN,
    SLACK_API_URL: `${slack.url}/api/`,
    SLACK_INCIDENT_CHANNEL: 'C0INCIDENTS',
    SERVICENOW_INSTANCE_URL: servicenow.url,
    SERVICENOW_USERNAME: 'opsloop.reliability',
    SERVICENOW_PASSWORD: secrets.SERVICENOW_PASSWORD,
    SERVICENOW_TIMEOUT_MS: '3000',
    AGENT_WEBHOOK_URL: agent.url,
    AGENT_WEBHOOK_SECRET: secrets.AGENT_WEBHOOK_SECRET,
    AGENT_AUTH: 'hmac',
    OPSLOOP_RECONCILE_INTERVAL_MS: '0',
    // The bundle the jest setup built once: restarts take seconds less (the soak, outside jest, bundles at start).
    ...(process.env.OPSLOOP_TEST_WORKFLOW_BUNDLE ? { OPSLOOP_WORKFLOW_BUNDLE: process.env.OPSLOOP_TEST_WORKFLOW_BUNDLE } : {}),
    ...options.workerEnv,
  };

  const output: string[] = [];
  const api = startChild('api', 'src/api/main.ts', apiEnv, output);
  let worker = startChild('worker', 'src/worker/main.ts', workerEnv, output);
  const startWorker = async () => {
    if (worker.running()) throw new Error('the worker is still running');
    worker = startChild('worker', 'src/worker/main.ts', workerEnv, output);
    await worker.waitForLine(WORKER_READY, START_TIMEOUT_MS);
  };
  const rollWorker = async (options: { beforeStop?: () => Promise<unknown> } = {}) => {
    const previous = worker;
    const next = startChild('worker', 'src/worker/main.ts', workerEnv, output);
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
  const audit = createJsonlAuditStore(join(dataDir, 'audit.jsonl'));

  const close = async () => {
    await Promise.all([api.stop(), worker.kill9()]);
    await client.withDeadline(Date.now() + 10_000, () => terminateRunning(client, taskQueue)).catch(() => undefined);
    await Promise.all([slack.close(), servicenow.close(), agent.close()]);
    await connection.close();
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
    signingSecret: secrets.SLACK_SIGNING_SECRET,
    serviceNowWebhookSecret: secrets.SERVICENOW_WEBHOOK_SECRET,
    secrets,
    output,
    client,
    slack,
    servicenow,
    agent,
    api,
    worker: () => worker,
    startWorker,
    rollWorker,
    audit: () => audit.list({}),
    close,
  };
}

/** Workflow ids are incident numbers on a shared dev server: nothing of this stack may stay open for the next test. */
async function terminateRunning(client: Client, taskQueue: string): Promise<void> {
  for await (const run of client.workflow.list({ query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"` })) {
    await client.workflow.getHandle(run.workflowId, run.runId).terminate('reliability stack closed').catch(() => undefined);
  }
}
