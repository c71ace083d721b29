import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { hermeticEnv, startEntryPoint, waitForHttp, type RunningChild } from '../../src/local/child-process';
import { startDevServer, type DevServer, type DevServerTuning } from '../../src/local/dev-server';
import { ensureTemporalCli } from '../../src/local/temporal-cli';
import { sandboxPolicy } from '../../src/policy/sandbox-policy';
import type { BusinessRuleTarget } from '../../src/sandbox/business-rule-sender';
import type { FakeAgent } from '../../src/sandbox/fake-agent';
import type { FakeServiceNow } from '../../src/sandbox/fake-servicenow';
import type { FakeSlack } from '../../src/sandbox/fake-slack';
import { startSandboxWorld } from '../../src/sandbox/world';
import { waitForPoller } from './pollers';
import { freePort } from './ports';

export interface BenchStackOptions {
  /** Fresh directory for the SQLite file, the audit trail, the policy file and bundles. */
  workDir: string;
  log: (line: string) => void;
  /** Print every line the child processes print (debugging). */
  echoChildren?: boolean;
  /** How long the fake agent "investigates" before calling back; 0 by default (fakes at zero latency). */
  agentDelayMs?: number;
  /** Dev-server settings instead of the tuned ones `npm start` runs (the benchmark's step-by-step ladder). */
  devServerTuning?: DevServerTuning;
}

export interface StartedWorker {
  child: RunningChild;
  /** Spawn → the server sees the worker polling its task queue. */
  coldStartMs: number;
}

/** The sandbox world and OpsLoop's API and worker processes, on whichever Temporal service the bench runs. */
export interface BenchOpsLoop {
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
  api: RunningChild;
  worker: RunningChild;
  /** Where the worker serves its Prometheus metrics. */
  workerMetricsUrl: string;
  /** The environment contract (src/config/env.ts) every OpsLoop child gets; overrides go on top. */
  childEnv: NodeJS.ProcessEnv;
  /** Starts another OpsLoop API (e.g. on another task queue); resolves once /healthz answers. */
  startApi(name: string, overrides?: NodeJS.ProcessEnv): Promise<{ child: RunningChild; url: string }>;
  /** Starts an OpsLoop worker (src/worker/main.ts unless `entry`); resolves once it polls its task queue. */
  startWorker(name: string, overrides?: NodeJS.ProcessEnv, options?: { entry?: string }): Promise<StartedWorker>;
  /** Starts any repository entry point with the child environment (baselines). */
  startProcess(name: string, entry: string, overrides?: NodeJS.ProcessEnv): RunningChild;
  /** kill -9 the main worker. */
  killWorker(): Promise<void>;
  /** kill -9 the main worker (if running) and start a new one at once. */
  restartWorker(): Promise<StartedWorker>;
  /** Process ids by role, for CPU and memory readings. */
  pids(): Record<string, number | undefined>;
  close(): Promise<void>;
}

/** OpsLoop on a fresh dev server of its own. */
export interface BenchStack extends BenchOpsLoop {
  cliPath: string;
  server: DevServer;
  /** The dev server's Prometheus endpoint (its `action` counter). */
  serverMetricsUrl: string;
}

export interface BenchOpsLoopOptions {
  /** Fresh directory for the audit files, the policy file and the children's data folders. */
  workDir: string;
  log: (line: string) => void;
  echoChildren?: boolean;
  agentDelayMs?: number;
  temporalAddress: string;
  /** The Temporal service's own processes by name, for CPU readings beside OpsLoop's. */
  temporalPids: () => Record<string, number | undefined>;
  /** On top of every child's environment (e.g. a prebuilt workflow bundle). */
  childEnv?: NodeJS.ProcessEnv;
}

const BENCH_APPROVER = 'UBENCHAPPROVER';
/** The bench kills and restarts workers often; it need not wait the full drain grace of `npm start`. */
const STOP_GRACE_MS = 10_000;

/** Lifted far above the sandbox Agent Space's default quota of 3, for OpsLoop and the fake agent alike. */
const BENCH_AGENT_CONCURRENCY = 1000;

/**
 * Everything a benchmark needs, started fresh: a dev server on a new SQLite file (WAL, synchronous=OFF), the
 * sandbox world at zero latency in this process, and the real API and worker as child processes.
 */
export async function startBenchStack(o: BenchStackOptions): Promise<BenchStack> {
  const cliPath = await ensureTemporalCli({ log: o.log });
  const metricsPort = await freePort();
  const server = await startDevServer({ cliPath, port: await freePort(), dbFile: join(o.workDir, 'bench.sqlite'), fastSqlite: true, tuning: o.devServerTuning, metricsPort });
  try {
    const opsloop = await startBenchOpsLoop({ ...o, temporalAddress: server.address, temporalPids: () => ({ 'dev server': server.process.pid }) });
    const closeOpsLoop = opsloop.close.bind(opsloop);
    // The same object: restartWorker() replaces its `worker`.
    return Object.assign(opsloop, {
      cliPath,
      server,
      serverMetricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      async close() {
        await closeOpsLoop();
        await server.stop();
      },
    });
  } catch (err) {
    await server.stop().catch(() => undefined);
    throw err;
  }
}

/** The sandbox world at zero latency in this process and the real API and worker as child processes, on `temporalAddress`. */
export async function startBenchOpsLoop(o: BenchOpsLoopOptions): Promise<BenchOpsLoop> {
  const stoppers: (() => Promise<void>)[] = [];
  const children = new Set<RunningChild>();
  const echo = o.echoChildren ? o.log : undefined;
  try {
    const connection = await Connection.connect({ address: o.temporalAddress });
    stoppers.push(() => connection.close());
    const client = new Client({ connection });

    const apiPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    // A fresh Temporal service: incident numbers may start where the seeds end. The Business Rule skips OpsLoop's own writes.
    // The Agent Space's quota (3 at once) would make the agent the bottleneck: the bench measures OpsLoop's own cost.
    const world = await startSandboxWorld({ apiUrl, firstNumber: 1_000_000, agentDelayMs: o.agentDelayMs ?? 0, agentConcurrency: BENCH_AGENT_CONCURRENCY, dir: o.workDir, policy: sandboxPolicy([BENCH_APPROVER]) });
    stoppers.push(world.stop);
    const taskQueue = 'opsloop-bench';
    const workerMetricsPort = await freePort();
    const childEnv: NodeJS.ProcessEnv = {
      ...hermeticEnv(),
      ...world.env,
      TEMPORAL_ADDRESS: o.temporalAddress,
      TEMPORAL_TASK_QUEUE: taskQueue,
      OPSLOOP_FINDINGS_TIMEOUT_MS: '60000',
      OPSLOOP_RECONCILE_INTERVAL_MS: '0',
      OPSLOOP_AGENT_MAX_CONCURRENT: String(BENCH_AGENT_CONCURRENCY),
      LOG_LEVEL: 'warn',
      ...o.childEnv,
    };

    const spawn = (name: string, entry: string, env: NodeJS.ProcessEnv): RunningChild => {
      // The bench runs several APIs and workers at once: each writes its JSON-lines audit file in a folder of its own.
      const ownEnv = { ...env, OPSLOOP_DATA_DIR: join(o.workDir, 'processes', name) };
      const child = startEntryPoint(name, entry, { env: ownEnv, stopGraceMs: STOP_GRACE_MS, onLine: echo && ((line) => echo(`[${name}] ${line}`)) });
      children.add(child);
      return child;
    };
    const startProcess = (name: string, entry: string, overrides: NodeJS.ProcessEnv = {}): RunningChild => spawn(name, entry, { ...childEnv, ...overrides });
    const startApi = async (name: string, overrides: NodeJS.ProcessEnv = {}) => {
      const port = overrides.PORT ?? String(await freePort());
      const child = spawn(name, 'src/api/main.ts', { ...childEnv, ...overrides, PORT: port });
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(`${url}/healthz`, 60_000, () => !child.running()).catch((err: Error) => {
        throw new Error(`${err.message}\n${child.tail()}`);
      });
      return { child, url };
    };
    const startWorker = async (name: string, overrides: NodeJS.ProcessEnv = {}, options: { entry?: string } = {}) => {
      const env = { ...childEnv, ...overrides };
      const child = spawn(name, options.entry ?? 'src/worker/main.ts', env);
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

    const stack: BenchOpsLoop = {
      client,
      taskQueue,
      slack: world.slack,
      servicenow: world.servicenow,
      agent: world.agent,
      approverId: BENCH_APPROVER,
      signingSecret: world.secrets.SLACK_SIGNING_SECRET,
      webhookSecret: world.secrets.SERVICENOW_WEBHOOK_SECRET,
      businessRule: world.businessRule,
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
      pids: () => ({ driver: process.pid, ...o.temporalPids(), api: stack.api.pid, worker: stack.worker.pid }),
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
