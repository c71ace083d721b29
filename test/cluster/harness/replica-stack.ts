import { rmSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { createPostgresAuditStore } from '../../../src/audit/postgres-store';
import type { AuditStore } from '../../../src/audit/audit-store';
import { hermeticEnv, startEntryPoint, type RunningChild } from '../../../src/local/child-process';
import type { Policy } from '../../../src/policy/schema';
import type { Catalog } from '../../../src/runbook/catalog-schema';
import type { FakeAgent } from '../../../src/sandbox/fake-agent';
import type { FakeServiceNow } from '../../../src/sandbox/fake-servicenow';
import type { FakeSlack } from '../../../src/sandbox/fake-slack';
import type { SandboxSecrets } from '../../../src/sandbox/world';
import { freePort } from '../../helpers/free-port';
import { startTestWorld } from '../../helpers/test-world';
import type { World } from '../../reliability/checker';
import { startLoadBalancer, type LoadBalancer } from './load-balancer';

const WORKER_READY = /"msg":"worker running"/;
const API_READY = /"msg":"api listening"/;
/** A worker bundles nothing (the jest setup's bundle) but a loaded 2-core machine still needs long. */
const START_TIMEOUT_MS = 90_000;
const PORT_ATTEMPTS = 3;

export interface ReplicaStackOptions {
  temporalAddress: string;
  /** The audit trail's database: several processes need PostgreSQL, not a shared JSON-lines file. */
  databaseUrl: string;
  apis: number;
  workers: number;
  workerEnv?: Record<string, string>;
  /** The policy file every replica reads (default: the test policy). */
  policy?: Policy;
  catalog?: Catalog;
  /** Investigations the sandbox Agent Space (and OpsLoop's queue for it) runs at once; default: the sandbox's. */
  agentConcurrency?: number;
}

/**
 * OpsLoop as production runs it: several API replicas behind a load balancer and several workers on one task queue,
 * each a real process configured only through the environment, the fakes in this process. Any replica may be
 * SIGKILLed and started again in place (same port, same environment).
 */
export interface ReplicaStack {
  /** The load balancer: what Slack, ServiceNow and the agent are pointed at. */
  apiUrl: string;
  apiUrls: string[];
  balancer: LoadBalancer;
  taskQueue: string;
  /** The one policy file every replica reads; each re-reads it on its own SIGHUP. */
  policyFile: string;
  signingSecret: string;
  serviceNowWebhookSecret: string;
  secrets: SandboxSecrets;
  output: string[];
  client: Client;
  slack: FakeSlack;
  servicenow: FakeServiceNow;
  agent: FakeAgent;
  api(i: number): RunningChild;
  worker(i: number): RunningChild;
  /** Starts API replica i (again); resolves once it listens. */
  startApi(i: number): Promise<void>;
  /** Starts worker i (again); resolves once it polls. */
  startWorker(i: number): Promise<void>;
  world(): World;
  close(): Promise<void>;
}

export async function startReplicaStack(options: ReplicaStackOptions): Promise<ReplicaStack> {
  const ports = await Promise.all(Array.from({ length: options.apis }, () => freePort()));
  const apiUrls = ports.map((p) => `http://127.0.0.1:${p}`);
  const balancer = await startLoadBalancer(() => apiUrls);
  const { world, taskQueue, env } = await startTestWorld({ apiUrl: balancer.url, temporalAddress: options.temporalAddress, name: 'replicas', policy: options.policy, catalog: options.catalog, agentConcurrency: options.agentConcurrency });
  const common = {
    ...hermeticEnv(),
    ...env,
    DATABASE_URL: options.databaseUrl,
    ...(options.agentConcurrency ? { OPSLOOP_AGENT_MAX_CONCURRENT: String(options.agentConcurrency) } : {}),
    // The most talkative level a production operator might pick: secrets must not leak even here.
    LOG_LEVEL: 'debug',
  };
  const workerEnv = {
    ...common,
    // The bundle the jest setup built once: restarts take seconds less.
    ...(process.env.OPSLOOP_TEST_WORKFLOW_BUNDLE ? { OPSLOOP_WORKFLOW_BUNDLE: process.env.OPSLOOP_TEST_WORKFLOW_BUNDLE } : {}),
    ...options.workerEnv,
  };
  // Opened on first read, so the replicas meet the fresh database first and race for its migration, as in production.
  let audit: Promise<AuditStore> | undefined;
  const auditStore = () => (audit ??= createPostgresAuditStore(options.databaseUrl));
  const output: string[] = [];
  const apis: (RunningChild | undefined)[] = ports.map(() => undefined);
  const workers: (RunningChild | undefined)[] = Array.from({ length: options.workers }, () => undefined);
  const start = (name: string, entry: string, childEnv: NodeJS.ProcessEnv) =>
    startEntryPoint(name, entry, { env: childEnv, onLine: (line) => output.push(`[${name}] ${line}`) });

  const startApi = async (i: number) => {
    if (apis[i]?.running()) throw new Error(`api-${i + 1} is still running`);
    for (let attempt = 1; ; attempt++) {
      const child = start(`api-${i + 1}`, 'src/api/main.ts', { ...common, PORT: String(ports[i]) });
      apis[i] = child;
      try {
        await child.waitForLine(API_READY, START_TIMEOUT_MS);
        return;
      } catch (err) {
        // A port is picked free seconds before the replica binds it (and stays free while a killed replica is down):
        // a process of a parallel test may take it meanwhile. The replica then moves, as an orchestrator would
        // reschedule it; the load balancer reads the list at each request.
        if (attempt >= PORT_ATTEMPTS || !child.tail().includes('is already in use')) throw err;
        ports[i] = await freePort();
        apiUrls[i] = `http://127.0.0.1:${ports[i]}`;
      }
    }
  };
  const startWorker = async (i: number) => {
    if (workers[i]?.running()) throw new Error(`worker-${i + 1} is still running`);
    const child = start(`worker-${i + 1}`, 'src/worker/main.ts', workerEnv);
    workers[i] = child;
    await child.waitForLine(WORKER_READY, START_TIMEOUT_MS);
  };
  const connection = await Connection.connect({ address: options.temporalAddress });
  const client = new Client({ connection });
  const started = <T>(list: (T | undefined)[], i: number, what: string): T => {
    const found = list[i];
    if (!found) throw new Error(`${what}-${i + 1} was never started`);
    return found;
  };

  return {
    apiUrl: balancer.url,
    apiUrls,
    balancer,
    taskQueue,
    policyFile: env.OPSLOOP_POLICY_FILE!,
    signingSecret: world.secrets.SLACK_SIGNING_SECRET,
    serviceNowWebhookSecret: world.secrets.SERVICENOW_WEBHOOK_SECRET,
    secrets: world.secrets,
    output,
    client,
    slack: world.slack,
    servicenow: world.servicenow,
    agent: world.agent,
    api: (i) => started(apis, i, 'api'),
    worker: (i) => started(workers, i, 'worker'),
    startApi,
    startWorker,
    world: () => ({ client, taskQueue, slack: world.slack, servicenow: world.servicenow, agent: world.agent, audit: async () => (await auditStore()).list({}), output, secrets: world.secrets }),
    async close() {
      await Promise.all([...apis, ...workers].map((c) => c?.kill9() ?? Promise.resolve()));
      await balancer.close();
      await world.stop();
      await (await audit)?.close();
      if (env.OPSLOOP_DATA_DIR) rmSync(env.OPSLOOP_DATA_DIR, { recursive: true, force: true });
      await connection.close();
    },
  };
}
