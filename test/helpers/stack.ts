import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { createApp } from '../../src/api/app';
import { createResponder } from '../../src/api/respond';
import { createDevOpsAgentInvestigator } from '../../src/clients/agent/devops-agent';
import type { WorkerSettings } from '../../src/contracts/investigation';
import type { AuditStore } from '../../src/audit/audit-store';
import { createJsonlAuditStore } from '../../src/audit/jsonl-store';
import { createApiSlack } from '../../src/api/slack/slack-web';
import { createGroupResolver } from '../../src/policy/group-resolver';
import { createPolicyStore, type PolicyStore } from '../../src/policy/policy-store';
import type { Policy } from '../../src/policy/schema';
import type { Catalog } from '../../src/runbook/catalog-schema';
import { EMPTY_CATALOG } from '../../src/runbook/load-catalog';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeAgent, type FakeAgent } from '../../src/sandbox/fake-agent';
import { createWorkflowGateway, type WorkflowGateway } from '../../src/api/workflow-gateway';
import { createServiceNowClient } from '../../src/clients/servicenow/client';
import { createSlackClient } from '../../src/clients/slack/client';
import { createLogger } from '../../src/log';
import { startFakeServiceNow, type FakeServiceNow } from '../../src/sandbox/fake-servicenow';
import { startFakeSlack, type FakeSlack } from '../../src/sandbox/fake-slack';
import { serve } from '../../src/sandbox/serve';
import { createWorker } from '../../src/worker/create-worker';
import { createOpsLoopWorkflows } from '../../src/temporal-client/opsloop-workflows';

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    // The worker's native core also logs (e.g. "Task not found" when a test terminates runs); errors only.
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  } catch {
    // already installed by another helper in this process
  }
}

export function temporalAddress(): string {
  const address = process.env.OPSLOOP_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('integration tests need test/helpers/global-setup.ts (run them through jest)');
  return address;
}

export function workflowBundle(): { code: string } {
  return { code: readFileSync(String(process.env.OPSLOOP_TEST_WORKFLOW_BUNDLE), 'utf8') };
}

export interface Stack {
  apiUrl: string;
  signingSecret: string;
  taskQueue: string;
  slack: FakeSlack;
  servicenow: FakeServiceNow;
  agent: FakeAgent;
  /** The secret a ServiceNow Business Rule signs webhooks with. */
  serviceNowWebhookSecret: string;
  /** The secret an agent signs its findings callbacks with. */
  agentCallbackSecret: string;
  settings: WorkerSettings;
  policy: PolicyStore;
  audit: AuditStore;
  client: Client;
  worker: Worker;
  /** Stops the worker only (to test what happens while no worker runs). */
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Replace the gateway (e.g. one whose Temporal is unreachable). */
  gateway?: (client: Client, taskQueue: string) => WorkflowGateway;
  serviceNowPassword?: string;
  settings?: Partial<WorkerSettings>;
  /** How long the fake agent "investigates". */
  agentDelayMs?: number;
  policy?: Policy;
  /** Defaults to a JSON-lines file in a fresh temporary folder. */
  audit?: AuditStore;
  catalog?: Catalog;
  /** Where the API's logs go (at info level); by default they are dropped. */
  logDestination?: { write(line: string): void };
}

/** Users the test policy lets approve; U0ADMIN is an admin. */
export const APPROVERS = ['U0APPROVER1', 'U0APPROVER2'];
export const ADMIN = 'U0ADMIN';

/** The policy tests run under unless they bring their own: everyone operates anywhere, P1 needs two approvers. */
export const testPolicy = (overrides: Partial<Policy> = {}): Policy => ({
  version: 1,
  roles: {
    viewer: { users: [], groups: [] },
    operator: { users: ['*'], groups: [] },
    approver: { users: APPROVERS, groups: [] },
    admin: { users: [ADMIN], groups: [] },
  },
  channels: [{ id: '*', commands: ['*'] }],
  commands: { help: 'viewer', status: 'viewer', jobs: 'viewer', investigate: 'operator', resolve: 'operator', incident: 'operator', approve: 'approver', reject: 'approver', audit: 'admin', actions: 'viewer', run: 'operator', cancel: 'operator' },
  approvals: { default: { approvals: 1, requesterMayApprove: false }, byPriority: { '1': { approvals: 2, requesterMayApprove: false } } },
  ...overrides,
});

/**
 * The real API, a real worker on the shared dev server, and the fakes on loopback, all in this process.
 * Every stack has its own task queue; the incidents in its fake ServiceNow are its own.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  quietRuntime();
  const taskQueue = `test-${randomUUID()}`;
  const botToken = `xoxb-test-${randomBytes(6).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const snCredentials = { username: 'opsloop.test', password: randomBytes(8).toString('hex') };
  const serviceNowWebhookSecret = randomBytes(20).toString('hex');
  const agentSecrets = { webhook: randomBytes(20).toString('hex'), callback: randomBytes(20).toString('hex') };
  const slack = await startFakeSlack({ botToken });
  // Workflow ids are incident numbers and the dev server is shared: every stack counts from its own range.
  const servicenow = await startFakeServiceNow({ ...snCredentials, firstNumber: 1_000_000 + Math.floor(Math.random() * 8_000_000) });
  const settings: WorkerSettings = {
    slackChannel: 'C0INCIDENTS',
    serviceNowUrl: servicenow.url,
    webUiNamespaceUrl: 'http://localhost:8233/namespaces/default',
    findingsTimeoutMs: 10_000,
    approvers: APPROVERS,
    reminderIntervalMs: 60_000,
    expiryMs: 120_000,
    closeCode: 'Solution provided',
    ...options.settings,
  };

  const policy = createPolicyStore({ policy: options.policy ?? testPolicy() });
  const audit = options.audit ?? createJsonlAuditStore(join(mkdtempSync(join(tmpdir(), 'opsloop-audit-')), 'audit.jsonl'));
  const apiSlack = createApiSlack({ token: botToken, apiUrl: `${slack.url}/api/` });
  const connection = await Connection.connect({ address: temporalAddress() });
  const client = new Client({ connection });
  const catalog = options.catalog ?? EMPTY_CATALOG;
  const app = createApp({
    catalog: () => catalog,
    policy,
    audit,
    slack: apiSlack,
    groupsOf: createGroupResolver(() => policy.current(), apiSlack.groupMembers),
    gateway: (options.gateway ?? createWorkflowGateway)(client, taskQueue),
    slackSigningSecrets: [signingSecret],
    serviceNowWebhookSecrets: [serviceNowWebhookSecret],
    agentCallbackSecrets: [agentSecrets.callback],
    respond: createResponder(),
    logger: options.logDestination ? createLogger({ level: 'info', destination: options.logDestination }) : createLogger({ level: 'silent' }),
  });
  const api = await serve(app);
  const agent = await startFakeAgent({
    secret: agentSecrets.webhook,
    auth: 'hmac',
    callback: { url: api.url, secret: agentSecrets.callback },
    delayMs: options.agentDelayMs ?? 200,
  });

  const nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: workflowBundle(),
    shutdownGraceTime: '1s',
    activities: createActivities({
      servicenow: createServiceNowClient({
        instanceUrl: servicenow.url,
        username: snCredentials.username,
        password: options.serviceNowPassword ?? snCredentials.password,
        timeoutMs: 3000,
      }),
      slack: createSlackClient({ token: botToken, apiUrl: `${slack.url}/api/`, timeoutMs: 3000 }),
      investigator: createDevOpsAgentInvestigator({ webhookUrl: agent.url, secret: agentSecrets.webhook, auth: 'hmac', timeoutMs: 3000 }),
      settings,
      policy,
      audit,
      subscriptions: () => catalog.notifications,
      catalog: () => catalog,
      workflows: createOpsLoopWorkflows(client, taskQueue),
    }),
  });
  const running = worker.run();
  let workerStopped = false;
  const stopWorker = async () => {
    if (workerStopped) return;
    workerStopped = true;
    worker.shutdown();
    await running;
  };


  return {
    apiUrl: api.url,
    signingSecret,
    taskQueue,
    slack,
    servicenow,
    agent,
    serviceNowWebhookSecret,
    agentCallbackSecret: agentSecrets.callback,
    settings,
    policy,
    audit,
    client,
    worker,
    stopWorker,
    async close() {
      await api.close();
      await finishOrTerminate(client, taskQueue);
      await stopWorker();
      await Promise.all([slack.close(), servicenow.close(), agent.close()]);
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/**
 * Workflow ids are incident numbers, shared by every test on the one dev server: a run left open on this stack's
 * task queue (its worker about to stop) would swallow the next test's signal. Let runs finish, then end stragglers.
 */
async function finishOrTerminate(client: Client, taskQueue: string): Promise<void> {
  const query = `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`;
  // Runs about to finish get a moment; those waiting for a person (a decision) are ended at once after it.
  const deadline = Date.now() + 1500;
  while (Date.now() < deadline && (await client.workflow.count(query)).count > 0) {
    await new Promise((r) => setTimeout(r, 100));
  }
  for await (const run of client.workflow.list({ query })) {
    await client.workflow.getHandle(run.workflowId, run.runId).terminate('test stack closed').catch(() => undefined);
  }
}

/** Polls until `probe` returns a value (not undefined/false) or the time is up. */
export async function eventually<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Asserts, through visibility, that nothing was ever started on this stack's task queue. */
export async function expectNoWorkflowsIn(stack: Stack): Promise<void> {
  // Give a wrongly started run time to reach visibility before concluding it does not exist.
  await new Promise((r) => setTimeout(r, 300));
  const { count } = await stack.client.workflow.count(`TaskQueue = "${stack.taskQueue}"`);
  if (count !== 0) throw new Error(`expected no workflows on ${stack.taskQueue}, found ${count}`);
}
