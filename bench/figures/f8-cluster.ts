import { join } from 'node:path';
import { TEMPORAL_SERVER_VERSION } from '../../src/local/cluster/server-tools';
import { CLUSTER_SETTINGS } from '../../src/local/cluster/settings';
import type { BenchConfig } from '../config';
import { prepareFixtures } from '../fixtures';
import { startClusterStack, type ClusterStack } from '../harness/cluster-stack';
import { cpuTimeMs } from '../harness/proc-stats';
import type { StartedWorker } from '../harness/stack';
import { resetFakes } from '../loop/fake-ledger';
import { runIncident } from '../loop/incident-driver';
import { closedPipeline, openPipeline } from '../loop/pipeline';
import { watchSlack, type SlackWatch } from '../loop/slack-watch';
import { median, ratio, summarize, type LatencySummary } from '../load/stats';
import { latencies, num } from '../report/format';
import type { FigureResult, Row } from '../report/types';
import type { FigureContext } from './context';
import { alternate } from './rounds';

const ARMS = ['1 worker', '2 workers'] as const;
export type Arm = (typeof ARMS)[number];

export interface ArmRound {
  rate: number;
  completed: number;
  failures: string[];
  /** CPU ms per completed incident, by group of processes. */
  cpuMsPerIncident: Record<string, number>;
  idle: number[];
  loaded: number[];
}

export type ClusterFigureInput = Pick<FigureContext, 'config' | 'workDir' | 'bundles' | 'log' | 'shared'> & { echoChildren?: boolean };

/** Each group's CPU time so far by pid, ms; pids a group did not have at the start count from zero. */
function cpuByGroup(groups: Record<string, number[]>): Record<string, Map<number, number>> {
  return Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, new Map(pids.flatMap((pid) => [[pid, cpuTimeMs(pid) ?? 0] as const]))]));
}

/** F3's OpsLoop arm and F4's OpsLoop first posts, on the stack as it is now (one or two workers polling). */
async function measureArm(stack: ClusterStack, watch: SlackWatch, config: BenchConfig, loadedRate: number, groups: () => Promise<Record<string, number[]>>): Promise<ArmRound> {
  const ops = stack.opsloop;
  const runOne = () => runIncident(ops, watch, { via: 'business-rule', timeoutMs: config.incidentTimeoutMs });
  resetFakes(ops, watch);
  const before = cpuByGroup(await groups());
  const f3 = await closedPipeline(runOne, config.f3);
  const after = await groups();
  const cpuMsPerIncident: Record<string, number> = {};
  for (const [name, pids] of Object.entries(after)) {
    const used = pids.reduce((sum, pid) => sum + Math.max(0, (cpuTimeMs(pid) ?? 0) - (before[name]?.get(pid) ?? 0)), 0);
    if (f3.all.length > 0) cpuMsPerIncident[name] = Math.round(used / f3.all.length);
  }
  resetFakes(ops, watch);
  const c = config.f4;
  const idle = await openPipeline(async () => (await runOne()).firstPostMs, { ratePerSecond: c.idleRate, durationMs: (c.idleIncidents / c.idleRate) * 1000 });
  resetFakes(ops, watch);
  const loaded = await openPipeline(async () => (await runOne()).firstPostMs, { ratePerSecond: loadedRate, durationMs: c.loadedSeconds * 1000 });
  return { rate: f3.ratePerSecond, completed: f3.all.length, failures: [...f3.failures, ...idle.failures, ...loaded.failures], cpuMsPerIncident, idle: idle.all, loaded: loaded.all };
}

const describeCpu = (ms: Record<string, number>) => `${Object.entries(ms).map(([k, v]) => `${k} ${v}`).join(' · ')} · total ${Object.values(ms).reduce((s, v) => s + v, 0)}`;

/**
 * F8 (`--cluster`): F3's incidents/s and F4's first post for OpsLoop on a multi-process Temporal cluster on
 * PostgreSQL, with one worker and with two on the task queue, beside the dev-server figures of the same run.
 */
export async function f8Cluster(input: ClusterFigureInput): Promise<FigureResult> {
  const { config, log } = input;
  const stack = await startClusterStack({ workDir: join(input.workDir, 'cluster'), log, echoChildren: input.echoChildren, childEnv: { OPSLOOP_WORKFLOW_BUNDLE: input.bundles.opsloop.path } });
  const watch = watchSlack(stack.opsloop.slack);
  let second: StartedWorker | undefined;
  try {
    await prepareFixtures(stack.opsloop, watch, 0);
    const dev = { rate: input.shared.f3OpsLoopRate, cpu: input.shared.f3OpsLoopCpuMs, f4: input.shared.f4OpsLoop };
    // The same absolute load as F4's on the dev server, so the two latencies compare like with like.
    const loadedRate = dev.f4?.loadedRate ?? Math.max(0.5, (dev.rate ?? 2) / 2);
    const groups = async (): Promise<Record<string, number[]>> => {
      const pids = stack.opsloop.pids();
      const temporal = Object.entries(pids).flatMap(([k, v]) => (k.startsWith('temporal ') && v !== undefined ? [v] : []));
      return {
        'temporal services': temporal,
        postgres: await stack.postgresBackends(),
        workers: [pids.worker, second?.child.pid].filter((p): p is number => p !== undefined),
        api: pids.api === undefined ? [] : [pids.api],
        driver: [process.pid],
      };
    };
    const rounds: Record<Arm, ArmRound[]> = { '1 worker': [], '2 workers': [] };
    for (let round = 0; round < config.rounds; round++) {
      for (const arm of alternate(ARMS, round)) {
        if (arm === '2 workers' && !second) second = await stack.opsloop.startWorker('worker-2');
        if (arm === '1 worker' && second) {
          await second.child.stop();
          second = undefined;
        }
        const r = await measureArm(stack, watch, config, loadedRate, groups);
        rounds[arm].push(r);
        log(`  F8 round ${round + 1} cluster, ${arm}: ${num(r.rate)} incidents/s (${r.completed} completed, ${r.failures.length} failed) · first post idle ${latencies(summarize(r.idle))} · cpu ms/incident ${JSON.stringify(r.cpuMsPerIncident)}`);
      }
    }
    return clusterReport(config, stack.postgres, rounds, dev, loadedRate);
  } finally {
    watch.stop();
    await second?.child.stop();
    await stack.close();
  }
}

/** The rows: each arm's median round beside the dev server's F3 and F4 of the same run, and their ratios. */
export function clusterReport(
  c: BenchConfig,
  postgres: Record<string, string>,
  rounds: Record<Arm, ArmRound[]>,
  dev: { rate?: number; cpu?: Record<string, number>; f4?: { idle: LatencySummary; loaded: LatencySummary } },
  loadedRate: number,
): FigureResult {
  const rate = (arm: Arm) => median(rounds[arm].map((r) => r.rate));
  const firstPost = (arm: Arm, phase: 'idle' | 'loaded'): LatencySummary => {
    const perRound = rounds[arm].map((r) => summarize(r[phase]));
    return { n: perRound.reduce((n, r) => n + r.n, 0), p50: median(perRound.map((r) => r.p50)), p99: median(perRound.map((r) => r.p99)), p999: NaN, max: Math.max(...perRound.map((r) => r.max)) };
  };
  const cpu = (arm: Arm) => {
    const names = new Set(rounds[arm].flatMap((r) => Object.keys(r.cpuMsPerIncident)));
    return Object.fromEntries([...names].map((n) => [n, median(rounds[arm].map((r) => r.cpuMsPerIncident[n] ?? 0))]));
  };
  const [one, two] = [rate('1 worker'), rate('2 workers')];
  const devNote = 'not measured in this run (add F3/F4)';
  const latencyRow = (phase: 'idle' | 'loaded', label: string): Row => {
    const [a, b, d] = [firstPost('1 worker', phase), firstPost('2 workers', phase), dev.f4?.[phase]];
    return {
      measure: `F4 on the cluster: first post ${label} · p50/p99/max`,
      opsloop: `1 worker ${latencies(a)} · 2 workers ${latencies(b)}`,
      baselines: d ? `dev server ${latencies(d)}` : `dev server ${devNote}`,
      ratios: d ? `p50 cluster/dev server ${num(ratio(a.p50, d.p50))} (1 worker), ${num(ratio(b.p50, d.p50))} (2 workers)` : undefined,
    };
  };
  const failures = ARMS.flatMap((a) => rounds[a].flatMap((r) => r.failures.map((f) => `${a}: ${f}`)));
  const devCpu = dev.cpu ? Object.values(dev.cpu).reduce((s, v) => s + v, 0) : undefined;
  return {
    id: 'F8',
    title: 'On a Temporal cluster (PostgreSQL, separate services), one worker and two',
    rows: [
      {
        measure: `F3 on the cluster: incidents/s, ${c.f3.concurrency} in flight`,
        opsloop: `1 worker ${num(one)} · 2 workers ${num(two)}`,
        baselines: dev.rate !== undefined ? `dev server ${num(dev.rate)} (F3)` : `dev server ${devNote}`,
        ratios: `${dev.rate !== undefined ? `cluster/dev server ${num(ratio(one, dev.rate))} (1 worker), ${num(ratio(two, dev.rate))} (2 workers); ` : ''}2/1 workers ${num(ratio(two, one))}`,
      },
      latencyRow('idle', `idle (${c.f4.idleRate}/s)`),
      latencyRow('loaded', `at ${num(loadedRate)}/s (F4's loaded rate)`),
      {
        measure: 'CPU time per incident on the cluster (ms, median round)',
        opsloop: `1 worker: ${describeCpu(cpu('1 worker'))}`,
        baselines: `2 workers: ${describeCpu(cpu('2 workers'))}${devCpu !== undefined ? ` · dev server run (F3): total ${devCpu}` : ''}`,
      },
    ],
    data: { rounds, loadedRate, postgres, cluster: { server: TEMPORAL_SERVER_VERSION, ...CLUSTER_SETTINGS }, dev },
    notes: [
      `The cluster is \`npm run cluster\`'s (src/local/cluster): Temporal ${TEMPORAL_SERVER_VERSION} as four processes (frontend, history, matching, worker) with persistence and SQL visibility in fresh databases of the machine's PostgreSQL ${postgres.server_version} (fsync ${postgres.fsync}, synchronous_commit ${postgres.synchronous_commit}), ${CLUSTER_SETTINGS.historyShards} history shards, on the same cores as everything else; the dev-server figures ran on SQLite with synchronous=OFF.`,
      'Same sandbox world, API and worker as F3/F4; "2 workers" adds a second OpsLoop worker on the task queue (started from the same prebuilt bundle), stopped again for the next "1 worker" arm. Arms alternate each round.',
      `Per round and arm: F3's closed pipeline (${c.f3.concurrency} in flight, ${c.f3.durationMs / 1000} s, rate over incidents started after ${c.f3.warmupMs / 1000} s), then F4 idle and loaded; OpsLoop only (no skeleton arm on the cluster).`,
      'CPU per incident: summed over the four Temporal processes, the PostgreSQL backends serving the two cluster databases (listed from pg_stat_activity at the start and end of the F3 run), the OpsLoop workers, the API and the driver with the fakes.',
      ...(failures.length ? [`Failed incidents: ${failures.length} (first: ${failures[0]})`] : []),
    ],
  };
}
