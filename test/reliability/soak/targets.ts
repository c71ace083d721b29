import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { startCluster } from '../../../src/local/cluster/start-cluster';
import { ensureTemporalCli } from '../../../src/local/temporal-cli';
import { createScratchDatabase } from '../../helpers/scratch-database';
import { writeWorkflowBundle } from '../../helpers/workflow-bundle';
import { startReplicaStack } from '../../cluster/harness/replica-stack';
import type { World } from '../checker';
import { startOwnDevServer } from '../harness/own-dev-server';
import { startProcessStack } from '../harness/process-stack';
import { worldOf } from '../harness/world';
import type { DisruptionKind } from './chaos';
import type { Driver } from './incident';
import { sleep } from './watch';

/** One disruption of the schedule: what to kill, when (a share of the incidents resolved) and how to bring it back. */
export interface ChaosStep {
  share: number;
  kind: DisruptionKind;
  /** Temporal itself is unreachable while it is down: nothing may be acknowledged meanwhile. */
  outage: boolean;
  /** How long it stays down before it is started again (0: at once, as a supervisor restarts a worker). */
  downMs: number;
  kill(): Promise<void>;
  /** Starts it again; resolves once it serves. */
  start(): Promise<void>;
}

/** Where the soak runs: the processes, the fakes the driver talks to, and the disruptions it may strike. */
export interface SoakTarget {
  description: string;
  stack: Driver['stack'] & { apiUrl: string; client: Client; output: string[] };
  world(): World;
  schedule: ChaosStep[];
  /** Every child process still running, for a last-resort SIGKILL when the driver exits abruptly. */
  pids(): number[];
  close(): Promise<void>;
}

/** Findings lost while Temporal is down (the fake agent retries for 2.5 s) must not hold an incident for 15 min. */
const WORKER_ENV = { OPSLOOP_FINDINGS_TIMEOUT_MS: '20000' };
/** The process stack's (test/reliability/harness/process-stack.ts): the soak's concurrency. */
const AGENT_CONCURRENCY = 24;
/** Temporal (the dev server, or the cluster's history service) stays down this long, so deliveries meet the outage. */
const OUTAGE_MS = 10_000;
/** An API replica or the matching service stays down this long before it is started again. */
const PAUSE_MS = 5_000;

const pidsOf = (...children: { running(): boolean; pid: number }[]) => children.filter((c) => c.running()).map((c) => c.pid);

/** Its own dev server on a fresh SQLite file, one API and one worker: three worker SIGKILLs and a dev-server kill -9. */
export async function devServerTarget(log: (line: string) => void): Promise<SoakTarget> {
  const cliPath = await ensureTemporalCli({ log });
  const server = await startOwnDevServer({ cliPath });
  const stack = await startProcessStack({ temporalAddress: server.address, workerEnv: WORKER_ENV }).catch(async (err: unknown) => {
    await server.stop();
    throw err;
  });
  const workerKill = (share: number): ChaosStep => ({
    share,
    kind: 'worker SIGKILL',
    outage: false,
    downMs: 0,
    kill: () => stack.worker().kill9(),
    start: () => stack.startWorker(),
  });
  return {
    description: `dev server ${server.address} on ${server.dbFile}, one API, one worker`,
    stack,
    world: () => worldOf(stack),
    schedule: [
      workerKill(0.2),
      workerKill(0.45),
      {
        share: 0.6,
        kind: 'dev server kill -9',
        outage: true,
        downMs: OUTAGE_MS,
        kill: () => server.kill9(),
        start: async () => {
          await server.restart();
        },
      },
      workerKill(0.8),
    ],
    pids: () => [
      ...pidsOf(stack.api(), stack.worker()),
      ...[server.pid()].filter((p): p is number => p !== undefined),
    ],
    close: async () => {
      await stack.close().catch((err: unknown) => log(`soak: closing the stack failed: ${String(err)}`));
      await server.stop().catch(() => undefined);
    },
  };
}

/**
 * The production shape: a Temporal cluster of separate processes on PostgreSQL, two API replicas behind a load
 * balancer and two workers, the audit trail in PostgreSQL. It kills each kind of process once: a worker (twice), an API
 * replica, matching and history (the outage: with history down nothing can be recorded).
 */
export async function clusterTarget(log: (line: string) => void): Promise<SoakTarget> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const step of cleanups.reverse()) await step().catch((err: unknown) => log(`soak: cleaning up failed: ${String(err)}`));
  };
  try {
    const startedAt = Date.now();
    const cluster = await startCluster({ uiPort: false, log });
    cleanups.push(() => cluster.stop());
    log(`soak: cluster serving after ${Date.now() - startedAt} ms (frontend ${cluster.address}, logs in ${cluster.runDir})`);
    const audit = await createScratchDatabase('opsloop_soak_audit');
    cleanups.push(() => audit.drop());
    // Bundled once here, so each worker (and each restart) starts in seconds rather than bundling on its own.
    const bundleDir = mkdtempSync(join(tmpdir(), 'opsloop-soak-bundle-'));
    cleanups.push(() => Promise.resolve(rmSync(bundleDir, { recursive: true, force: true })));
    const bundlePath = await writeWorkflowBundle(bundleDir);
    const stack = await startReplicaStack({
      temporalAddress: cluster.address,
      databaseUrl: audit.url,
      apis: 2,
      workers: 2,
      // As on the dev server: the Agent Space takes every incident in flight at once, so no queue is measured.
      agentConcurrency: AGENT_CONCURRENCY,
      workerEnv: { ...WORKER_ENV, OPSLOOP_WORKFLOW_BUNDLE: bundlePath },
    });
    cleanups.push(() => stack.close());
    await Promise.all([stack.startApi(0), stack.startApi(1), stack.startWorker(0), stack.startWorker(1)]);
    await untilReady(stack.apiUrls);

    const service = (share: number, name: 'matching' | 'history', downMs: number): ChaosStep => ({
      share,
      kind: `${name} SIGKILL`,
      outage: name === 'history',
      downMs,
      kill: () => cluster.services[name].kill9(),
      start: async () => {
        await cluster.services[name].start();
      },
    });
    const worker = (share: number, i: number): ChaosStep => ({ share, kind: 'worker SIGKILL', outage: false, downMs: 0, kill: () => stack.worker(i).kill9(), start: () => stack.startWorker(i) });
    return {
      description: `Temporal cluster ${cluster.address} (frontend, history, matching, worker on PostgreSQL ${cluster.database.host}), two API replicas behind ${stack.apiUrl}, two workers`,
      stack,
      world: () => stack.world(),
      schedule: [
        worker(0.15, 0),
        { share: 0.3, kind: 'API replica SIGKILL', outage: false, downMs: PAUSE_MS, kill: () => stack.api(0).kill9(), start: () => stack.startApi(0) },
        service(0.45, 'matching', PAUSE_MS),
        service(0.6, 'history', OUTAGE_MS),
        worker(0.8, 1),
      ],
      pids: () => [
        ...pidsOf(...[0, 1].flatMap((i) => [stack.api(i), stack.worker(i)])),
        ...Object.values(cluster.services)
          .map((s) => (s.running() ? s.pid() : undefined))
          .filter((p): p is number => p !== undefined),
      ],
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function untilReady(urls: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await Promise.all(urls.map((u) => fetch(`${u}/readyz`).then((r) => r.status === 200, () => false)));
    if (ready.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error(`API replicas not ready after 60 s: ${urls.filter((_, i) => !ready[i]).join(', ')}`);
    await sleep(500);
  }
}

