import { Client, Connection } from '@temporalio/client';
import type { WorkflowGateway } from '../../src/api/workflow-gateway';
import { wireApi } from '../../src/api/wire-api';
import type { AuditStore } from '../../src/audit/audit-store';
import { loadApiConfig, loadWorkerConfig } from '../../src/config/env';
import { createLogger } from '../../src/log';
import type { Policy } from '../../src/policy/schema';
import type { Catalog } from '../../src/runbook/catalog-schema';
import type { BusinessRuleTarget } from '../../src/sandbox/business-rule-sender';
import type { FakeAgent } from '../../src/sandbox/fake-agent';
import type { FakePagerDuty } from '../../src/sandbox/fake-pagerduty';
import type { FakeServiceNow } from '../../src/sandbox/fake-servicenow';
import type { FakeChannelSpec, FakeSlack } from '../../src/sandbox/fake-slack';
import { serve } from '../../src/sandbox/serve';
import type { OpsLoopEnv } from '../../src/sandbox/sandbox-files';
import { hermeticEnv, startEntryPoint } from '../../src/local/child-process';
import { wireWorker } from '../../src/worker/wire-worker';
import { freePort } from './free-port';
import { endRunsOn, quietRuntime, temporalAddress, workflowBundle } from './temporal';
import { startTestWorld } from './test-world';

export interface Stack {
  apiUrl: string;
  signingSecret: string;
  taskQueue: string;
  slack: FakeSlack;
  servicenow: FakeServiceNow;
  agent: FakeAgent;
  /** PagerDuty's Events and REST APIs; a route's literal routing key must be added to `routingKeys` to be accepted. */
  pagerduty: FakePagerDuty;
  /** The secret a ServiceNow Business Rule signs webhooks with. */
  serviceNowWebhookSecret: string;
  /** The Business Rule as generated with --skip-user for OpsLoop's integration user (not installed). */
  businessRule: BusinessRuleTarget;
  /** The secret an agent signs its findings callbacks with. */
  agentCallbackSecret: string;
  /** The key an EventBridge API destination presents to /webhooks/aws-devops-agent/events. */
  agentEventsKey: string;
  /** The audit trail the API and the worker append to. */
  audit: AuditStore;
  /** The test's own Temporal client. */
  client: Client;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Configuration on top of the test world's, e.g. OPSLOOP_APPROVAL_EXPIRY_MS or a wrong SERVICENOW_PASSWORD. */
  env?: OpsLoopEnv;
  /** Replace the gateway (e.g. one whose Temporal is unreachable). */
  gateway?: (client: Client, taskQueue: string) => WorkflowGateway;
  /** How long the fake agent "investigates". */
  agentDelayMs?: number;
  /** Whether the sandbox agent delivers its lifecycle events to the API (default true; off: OpsLoop polls). */
  agentEvents?: boolean;
  policy?: Policy;
  catalog?: Catalog;
  /** Where the API's logs go (at info level); by default they are dropped. */
  logDestination?: { write(line: string): void };
  /** Channels of the sandbox workspace besides the incident channel (where the bot is), e.g. where a test types commands. */
  channels?: FakeChannelSpec[];
  /** Told what the worker warns about (a Slack channel that refuses the bot); by default dropped. */
  workerWarn?: (fields: Record<string, unknown>, message: string) => void;
  /**
   * Runs the worker as a child process (`src/worker/main.ts`, with its own Temporal Runtime, e.g. one exporting
   * Prometheus metrics) with these variables on top of the stack's configuration, instead of in this process.
   */
  workerProcess?: { env: OpsLoopEnv };
}

/** What the in-process stack changes from the defaults, so that tests of reminders and timeouts run in seconds. */
const IN_PROCESS_ENV: OpsLoopEnv = {
  OPSLOOP_FINDINGS_TIMEOUT_MS: '10000',
  OPSLOOP_APPROVAL_REMINDER_MS: '60000',
  OPSLOOP_APPROVAL_EXPIRY_MS: '120000',
};
/** The stack's Slack and agent clients give up after 3 s, so a hang is cut well inside the activity timeout. */
const HTTP_TIMEOUT_MS = 3000;
/** A worker process loads the bundle the jest setup built, and still needs seconds to start on a loaded machine. */
const WORKER_PROCESS_START_MS = 60_000;

interface StartedWorker {
  /** Stops it, once the stack's runs have ended. */
  stop(): Promise<void>;
}

async function inProcessWorker(env: OpsLoopEnv, options: StackOptions): Promise<StartedWorker> {
  // Only with a worker here: a Runtime that no worker ever used would never shut down, and keep jest from exiting.
  quietRuntime();
  const wiredWorker = await wireWorker(loadWorkerConfig(env), { workflowBundle: workflowBundle(), shutdownGraceTime: '1s', httpTimeoutMs: HTTP_TIMEOUT_MS, warn: options.workerWarn });
  const running = wiredWorker.worker.run();
  return {
    async stop() {
      wiredWorker.worker.shutdown();
      await running;
      await wiredWorker.close();
    },
  };
}

async function workerProcess(env: OpsLoopEnv, extra: OpsLoopEnv): Promise<StartedWorker> {
  const bundle = process.env.OPSLOOP_TEST_WORKFLOW_BUNDLE;
  const child = startEntryPoint('worker', 'src/worker/main.ts', { env: { ...hermeticEnv(), ...env, ...(bundle ? { OPSLOOP_WORKFLOW_BUNDLE: bundle } : {}), ...extra }, stopGraceMs: 5000 });
  try {
    await child.waitForLine(/"msg":"worker running"/, WORKER_PROCESS_START_MS);
  } catch (err) {
    await child.kill9();
    throw err;
  }
  return { stop: () => child.stop() };
}

/**
 * The real API and a real worker on the shared dev server, wired from configuration exactly as their entry points
 * are, and the sandbox world on loopback, all in this process. Every stack has its own task queue; the incidents
 * in its fake ServiceNow are its own.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const { world, taskQueue, env: worldEnv } = await startTestWorld({
    apiUrl,
    temporalAddress: temporalAddress(),
    name: 'test',
    policy: options.policy,
    catalog: options.catalog,
    agentDelayMs: options.agentDelayMs,
    agentEvents: options.agentEvents,
  });
  for (const channel of options.channels ?? []) world.slack.channels.add(channel);
  const env = { ...worldEnv, ...IN_PROCESS_ENV, PORT: String(apiPort), ...options.env };
  const logger = options.logDestination ? createLogger({ level: 'info', destination: options.logDestination }) : createLogger({ level: 'silent' });
  const opened: (() => Promise<void>)[] = [world.stop];
  const closeOpened = async () => {
    for (const close of opened.reverse()) await close().catch(() => undefined);
  };
  try {
    const wiredApi = await wireApi(loadApiConfig(env), logger, { gateway: options.gateway });
    opened.push(wiredApi.close);
    const api = await serve(wiredApi.app, apiPort);
    opened.push(api.close);
    const worker = options.workerProcess ? await workerProcess(env, options.workerProcess.env) : await inProcessWorker(env, options);
    // After the stack's runs have ended (close()), before the connections and the fakes go.
    opened.push(worker.stop);
    const connection = await Connection.connect({ address: temporalAddress() });
    opened.push(() => connection.close());
    const client = new Client({ connection });
    return {
      apiUrl,
      signingSecret: world.secrets.SLACK_SIGNING_SECRET,
      taskQueue,
      slack: world.slack,
      servicenow: world.servicenow,
      agent: world.agent,
      pagerduty: world.pagerduty,
      serviceNowWebhookSecret: world.secrets.SERVICENOW_WEBHOOK_SECRET,
      businessRule: world.businessRule,
      agentCallbackSecret: world.secrets.AGENT_CALLBACK_SECRET,
      agentEventsKey: world.secrets.AWS_DEVOPS_AGENT_EVENTS_KEY,
      audit: wiredApi.audit,
      client,
      async close() {
        await api.close();
        await endRunsOn(client, taskQueue, 1500);
        await closeOpened();
      },
    };
  } catch (err) {
    await closeOpened();
    throw err;
  }
}
