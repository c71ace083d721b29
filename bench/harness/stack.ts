import type { BusinessRuleTarget } from '../../src/sandbox/business-rule-sender';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { waitForHttp } from '../../src/local/child-process';
import { startDevServer, type DevServer, type DevServerTuning } from '../../src/local/dev-server';
import { ensureTemporalCli } from '../../src/local/temporal-cli';
import { sandboxPolicy } from '../../src/policy/sandbox-policy';
import { startFakeAgent, type FakeAgent } from '../../src/sandbox/fake-agent';
import { startFakeServiceNow, type FakeServiceNow } from '../../src/sandbox/fake-servicenow';
import { startFakeSlack, type FakeSlack } from '../../src/sandbox/fake-slack';
import { waitForPoller } from './pollers';
import { freePort } from './ports';
import { spawnEntry, type ManagedChild } from './processes';

export interface BenchStackOptions {
  /** Fresh directory for the SQLite file, the audit trail, the policy file and bundles. */
  workDir: string;
  log: (line: string) => void;
  /** Print every line the child processes print (debugging). */
  echoChildren?: boolean;
  /** How long the fake agent "investigates" before calling back; 0 by default (fakes at zero latency). */
  agentDelayMs?: number;
  /** When set, OpsLoop's API and worker processes write V8 CPU profiles (--cpu-prof) here when they exit. */
  profileDir?: string;
  /** Dev-server settings instead of the tuned ones `npm start` runs (the benchmark's step-by-step ladder). */
  devServerTuning?: DevServerTuning;
}

export interface StartedWorker {
  child: ManagedChild;
  /** Spawn → the server sees the worker polling its task queue. */
  coldStartMs: number;
}

export interface BenchStack {
  cliPath: string;
  server: DevServer;
  /** The dev server's Prometheus endpoint (its `action` counter). */
  serverMetricsUrl: string;
  /** The driver's own Temporal client (skeleton starts, direct floors, history reads). */
  client: Client;
  taskQueue: string;
  slack: FakeSlack;
  servicenow: FakeServiceNow;
  agent: FakeAgent;
  /** The Slack user the policy lets approve. */
  approverId: string;
  signingSecret: string;
  webhookSecret: string;
  /** The Business Rule the fake ServiceNow runs (as generated with --skip-user), for figures that switch it off and on. */
  businessRule: BusinessRuleTarget;
  apiUrl: string;
  api: ManagedChild;
  worker: ManagedChild;
  /** Where the worker serves its Prometheus metrics. */
  workerMetricsUrl: string;
  /** The environment contract (src/config/env.ts) every OpsLoop child gets; overrides go on top. */
  childEnv: NodeJS.ProcessEnv;
  /** Starts another OpsLoop API (e.g. on another task queue); resolves once /healthz answers. */
  startApi(name: string, overrides?: NodeJS.ProcessEnv): Promise<{ child: ManagedChild; url: string }>;
  /** Starts an OpsLoop worker (src/worker/main.ts unless `entry`); resolves once it polls its task queue. */
  startWorker(name: string, overrides?: NodeJS.ProcessEnv, options?: { entry?: string; preload?: string[] }): Promise<StartedWorker>;
  /** Starts any repository entry point with the child environment (baselines). */
  startProcess(name: string, entry: string, overrides?: NodeJS.ProcessEnv): ManagedChild;
  /** kill -9 the main worker. */
  killWorker(): Promise<void>;
  /** kill -9 the main worker (if running) and start a new one at once. */
  restartWorker(): Promise<StartedWorker>;
  /** Process ids by role, for CPU and memory readings. */
  pids(): Record<string, number | undefined>;
  close(): Promise<void>;
}

const BENCH_APPROVER = 'UBENCHAPPROVER';
const OWN_PREFIXES = /^(OPSLOOP_|SLACK_|SERVICENOW_|AGENT_|TEMPORAL_|DATABASE_URL$|PORT$|LOG_LEVEL$)/;

/** This process's environment without any OpsLoop setting, so a developer's shell cannot leak into a run. */
const hermeticEnv = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([key]) => !OWN_PREFIXES.test(key)));

/**
 * Everything a benchmark or a fault test needs, started fresh: a dev server on a new SQLite file (WAL,
 * synchronous=OFF), fakes at zero latency in this process, and the real API and worker as child processes.
 * Reused by the reliability suite, hence the kill and restart helpers.
 */
export async function startBenchStack(o: BenchStackOptions): Promise<BenchStack> {
  const stoppers: (() => Promise<void>)[] = [];
  const children = new Set<ManagedChild>();
  const echo = o.echoChildren ? o.log : undefined;
  const nodeArgs = o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [];
  try {
    const cliPath = await ensureTemporalCli({ log: o.log });
    const metricsPort = await freePort();
    const server = await startDevServer({ cliPath, port: await freePort(), dbFile: join(o.workDir, 'bench.sqlite'), fastSqlite: true, tuning: o.devServerTuning, metricsPort });
    stoppers.push(server.stop);
    const connection = await Connection.connect({ address: server.address });
    stoppers.push(() => connection.close());
    const client = new Client({ connection });

    const apiPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const secrets = {
      signing: randomBytes(16).toString('hex'),
      webhook: randomBytes(20).toString('hex'),
      agentWebhook: randomBytes(20).toString('hex'),
      agentCallback: randomBytes(20).toString('hex'),
      botToken: `xoxb-bench-${randomBytes(6).toString('hex')}`,
      snPassword: randomBytes(12).toString('hex'),
    };
    const slack = await startFakeSlack({ botToken: secrets.botToken });
    stoppers.push(slack.close);
    const servicenow = await startFakeServiceNow({ username: 'opsloop.bench', password: secrets.snPassword, firstNumber: 1_000_000 });
    stoppers.push(servicenow.close);
    // As the rule generated with --skip-user (README): OpsLoop's own writes are not sent back to it.
    const businessRule = { url: apiUrl, secret: secrets.webhook, skipUser: 'opsloop.bench' };
    servicenow.installBusinessRule(businessRule);
    const agent = await startFakeAgent({
      secret: secrets.agentWebhook,
      auth: 'hmac',
      callback: { url: apiUrl, secret: secrets.agentCallback },
      delayMs: o.agentDelayMs ?? 0,
    });
    stoppers.push(agent.close);

    const policyFile = join(o.workDir, 'bench-policy.json');
    writeFileSync(policyFile, JSON.stringify(sandboxPolicy([BENCH_APPROVER]), null, 2));
    const taskQueue = 'opsloop-bench';
    const workerMetricsPort = await freePort();
    const childEnv: NodeJS.ProcessEnv = {
      ...hermeticEnv(),
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SLACK_SIGNING_SECRET: secrets.signing,
      SLACK_BOT_TOKEN: secrets.botToken,
      SLACK_API_URL: `${slack.url}/api/`,
      SLACK_INCIDENT_CHANNEL: 'C0INCIDENTS',
      SERVICENOW_INSTANCE_URL: servicenow.url,
      SERVICENOW_USERNAME: 'opsloop.bench',
      SERVICENOW_PASSWORD: secrets.snPassword,
      SERVICENOW_WEBHOOK_SECRET: secrets.webhook,
      AGENT_WEBHOOK_URL: agent.url,
      AGENT_WEBHOOK_SECRET: secrets.agentWebhook,
      AGENT_AUTH: 'hmac',
      AGENT_CALLBACK_SECRET: secrets.agentCallback,
      OPSLOOP_POLICY_FILE: policyFile,
      OPSLOOP_DATA_DIR: o.workDir,
      OPSLOOP_FINDINGS_TIMEOUT_MS: '60000',
      OPSLOOP_RECONCILE_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    };

    const track = (child: ManagedChild): ManagedChild => {
      children.add(child);
      return child;
    };
    const startProcess = (name: string, entry: string, overrides: NodeJS.ProcessEnv = {}): ManagedChild =>
      track(spawnEntry(name, entry, { ...childEnv, ...overrides }, { echo }));
    const startApi = async (name: string, overrides: NodeJS.ProcessEnv = {}) => {
      const port = overrides.PORT ?? String(await freePort());
      const child = track(spawnEntry(name, 'src/api/main.ts', { ...childEnv, ...overrides, PORT: port }, { echo, nodeArgs }));
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(`${url}/healthz`, 60_000, () => !child.running()).catch((err: Error) => {
        throw new Error(`${err.message}\n${child.tail()}`);
      });
      return { child, url };
    };
    const startWorker = async (name: string, overrides: NodeJS.ProcessEnv = {}, options: { entry?: string; preload?: string[] } = {}) => {
      const env = { ...childEnv, ...overrides };
      const child = track(spawnEntry(name, options.entry ?? 'src/worker/main.ts', env, { echo, preload: options.preload, nodeArgs }));
      const polling = await waitForPoller(client, String(env.TEMPORAL_TASK_QUEUE), child.pid, 120_000, () => !child.running()).catch((err: Error) => {
        throw new Error(`${err.message}\n${child.tail()}`);
      });
      return { child, coldStartMs: polling - child.startedAt };
    };

    const mainWorkerEnv = { OPSLOOP_WORKER_METRICS_ADDRESS: `127.0.0.1:${workerMetricsPort}` };
    const [{ child: api }, { child: worker }] = await Promise.all([
      startApi('api', { PORT: String(apiPort) }),
      startWorker('worker', mainWorkerEnv),
    ]);

    const stack: BenchStack = {
      cliPath,
      server,
      serverMetricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      client,
      taskQueue,
      slack,
      servicenow,
      agent,
      approverId: BENCH_APPROVER,
      signingSecret: secrets.signing,
      webhookSecret: secrets.webhook,
      businessRule,
      apiUrl,
      api,
      worker,
      workerMetricsUrl: `http://127.0.0.1:${workerMetricsPort}/metrics`,
      childEnv,
      startApi,
      startWorker,
      startProcess,
      killWorker: () => stack.worker.kill9(),
      async restartWorker() {
        await stack.worker.kill9();
        children.delete(stack.worker);
        const started = await startWorker('worker', mainWorkerEnv);
        stack.worker = started.child;
        return started;
      },
      pids: () => ({ driver: process.pid, 'dev server': server.process.pid, api: stack.api.pid, worker: stack.worker.pid }),
      async close() {
        await Promise.all([...children].map((c) => c.stop()));
        for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
      },
    };
    return stack;
  } catch (err) {
    await Promise.all([...children].map((c) => c.stop()));
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}
