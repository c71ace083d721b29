import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { cpuMeter, cpuTimeMs } from '../harness/proc-stats';
import { countCalls, perIncident, resetFakes, type CallCounts } from '../loop/fake-ledger';
import { formatActions } from '../loop/billable-actions';
import { historyStats, type HistoryStats } from '../loop/history-shape';
import { runIncident, type IncidentRun } from '../loop/incident-driver';
import { closedPipeline } from '../loop/pipeline';
import { actionsBetween, readServerActions } from '../loop/server-actions';
import type { SkeletonRun } from '../loop/skeleton-driver';
import { median, ratio, summarize } from '../load/stats';
import { latencies, num } from '../report/format';
import type { FigureResult } from '../report/types';
import type { FigureContext } from './context';
import { F3_BEFORE } from './f3-before';
import { alternate } from './rounds';
import type { SkeletonWorker } from './skeleton-worker';

const ARMS = ['opsloop', 'skeleton'] as const;
type Arm = (typeof ARMS)[number];
const RATIO_TARGET = 0.8;
const RATE_TARGET = 10;
const SLACK_POSTS_TARGET = 1;
const SLACK_UPDATES_TARGET = 3;
const SERVICENOW_TARGET = 4;

interface Round {
  rate: number;
  completed: number;
  failures: string[];
  cpu: Record<string, number>;
  calls?: CallCounts;
  clickAckMs?: number[];
  /** The server's `action` counter over the round, by type. */
  serverActions: Record<string, number>;
  /** CPU time per completed incident, ms, by process: unlike the rate, it holds up when other work shares the cores. */
  cpuMsPerIncident: Record<string, number>;
}

/** CPU time each process used while `run` ran, divided by what it completed. */
async function cpuPerCompletion<T extends { completed: number }>(pids: Record<string, number | undefined>, run: () => Promise<T>): Promise<[T, Record<string, number>]> {
  const before = Object.entries(pids).map(([name, pid]) => [name, pid, pid === undefined ? undefined : cpuTimeMs(pid)] as const);
  const result = await run();
  const out: Record<string, number> = {};
  for (const [name, pid, start] of before) {
    const end = pid === undefined ? undefined : cpuTimeMs(pid);
    if (start !== undefined && end !== undefined && result.completed > 0) out[name] = Math.round((end - start) / result.completed);
  }
  return [result, out];
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((s, n) => s + n, 0);

/** Each process's median over rounds of its CPU ms per completed incident. */
export function cpuPerIncident(rounds: { cpuMsPerIncident: Record<string, number> }[]): Record<string, number> {
  const names = new Set(rounds.flatMap((r) => Object.keys(r.cpuMsPerIncident)));
  return Object.fromEntries([...names].map((name) => [name, median(rounds.map((r) => r.cpuMsPerIncident[name] ?? 0))]));
}

const describeCpu = (ms: Record<string, number>) =>
  Object.entries(ms)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ');

/**
 * F3: completed incidents per second through the whole loop (webhook → thread → agent → findings → signed click →
 * resolution) with `concurrency` incidents in flight, against skeleton workflows of the same shape with no-op
 * activities started directly. Also what each incident costs at the fakes and in history.
 */
export async function f3Throughput(ctx: FigureContext, skeleton: SkeletonWorker): Promise<FigureResult> {
  const c = ctx.config.f3;
  const rounds: Record<Arm, Round[]> = { opsloop: [], skeleton: [] };
  let lastReal: IncidentRun | undefined;
  let lastSkeleton: SkeletonRun | undefined;
  for (let round = 0; round < ctx.config.rounds; round++) {
    for (const arm of alternate(ARMS, round)) {
      resetFakes(ctx.stack, ctx.watch);
      const actionsBefore = await readServerActions(ctx.stack.serverMetricsUrl);
      const pids = { ...ctx.stack.pids(), skeleton: skeleton.child.pid };
      const meter = cpuMeter(pids);
      const pipeline = { concurrency: c.concurrency, durationMs: c.durationMs, warmupMs: c.warmupMs };
      const counted = async <T>(run: () => Promise<T>) => {
        const [result, cpuMsPerIncident] = await cpuPerCompletion(pids, async () => {
          const r = await closedPipeline(run, pipeline);
          return { ...r, completed: r.all.length };
        });
        return { result, cpuMsPerIncident };
      };
      if (arm === 'opsloop') {
        const { result, cpuMsPerIncident } = await counted(() => runIncident(ctx.stack, ctx.watch, { via: 'business-rule', timeoutMs: ctx.config.incidentTimeoutMs }));
        const cpu = meter.stop();
        lastReal = result.all.at(-1) ?? lastReal;
        const calls = countCalls(ctx.stack);
        const serverActions = actionsBetween(actionsBefore, await readServerActions(ctx.stack.serverMetricsUrl));
        rounds.opsloop.push({ rate: result.ratePerSecond, completed: result.all.length, failures: result.failures, cpu, calls, clickAckMs: result.all.map((r) => r.clickAckMs ?? NaN), serverActions, cpuMsPerIncident });
      } else {
        const { result, cpuMsPerIncident } = await counted(() => skeleton.driver.run({ timeoutMs: ctx.config.incidentTimeoutMs }));
        lastSkeleton = result.all.at(-1) ?? lastSkeleton;
        const cpu = meter.stop();
        const serverActions = actionsBetween(actionsBefore, await readServerActions(ctx.stack.serverMetricsUrl));
        rounds.skeleton.push({ rate: result.ratePerSecond, completed: result.all.length, failures: result.failures, cpu, serverActions, cpuMsPerIncident });
      }
      const r = rounds[arm].at(-1)!;
      ctx.log(`  F3 round ${round + 1} ${arm}: ${num(r.rate)} incidents/s (${r.completed} completed, ${r.failures.length} failed) cpu ${JSON.stringify(r.cpu)}`);
    }
  }
  resetFakes(ctx.stack, ctx.watch);

  const rate = (arm: Arm) => median(rounds[arm].map((r) => r.rate));
  const [o, s] = [rate('opsloop'), rate('skeleton')];
  ctx.shared.f3OpsLoopRate = o;
  ctx.shared.f3SkeletonRate = s;
  ctx.shared.f3OpsLoopCpuMs = cpuPerIncident(rounds.opsloop);
  const incidents = rounds.opsloop.reduce((sum, r) => sum + r.completed, 0);
  const sum = (pick: (c: CallCounts) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const r of rounds.opsloop) for (const [k, v] of Object.entries(pick(r.calls!))) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const slack = perIncident(sum((x) => x.slack), incidents);
  const roots = perIncident({ roots: rounds.opsloop.reduce((n, r) => n + r.calls!.slackRootPosts, 0) }, incidents).roots ?? NaN;
  const servicenow = perIncident(sum((x) => x.servicenow), incidents);
  // Every incident is opened by one Business Rule delivery (the insert); any more are echoes of OpsLoop's own writes.
  const echoes = (perIncident({ d: rounds.opsloop.reduce((n, r) => n + r.calls!.businessRuleDeliveries, 0) }, incidents).d ?? NaN) - 1;
  const snTotal = total(servicenow);
  const posts = slack['chat.postMessage'] ?? 0;
  const updates = slack['chat.update'] ?? 0;

  let histories: { opsloop?: HistoryStats; skeleton?: HistoryStats } = {};
  if (lastReal && lastSkeleton) {
    const ids = (root: string) => [root, `${root}/approval/1`, `${root}/resolution`];
    histories = {
      opsloop: await historyStats(ctx.stack.client, ids(incidentWorkflowId(lastReal.number))),
      skeleton: await historyStats(ctx.stack.client, ids(lastSkeleton.workflowId)),
    };
  }
  const serverActions = (arm: Arm) => {
    const byType: Record<string, number> = {};
    for (const r of rounds[arm]) for (const [k, v] of Object.entries(r.serverActions)) byType[k] = (byType[k] ?? 0) + v;
    return perIncident(byType, rounds[arm].reduce((n, r) => n + r.completed, 0));
  };
  const serverPerIncident = { opsloop: serverActions('opsloop'), skeleton: serverActions('skeleton') };
  const describeServer = (byType: Record<string, number>) =>
    `${num(total(byType), 1)} (${Object.entries(byType)
      .sort(([, a], [, b]) => b - a)
      .map(([k, v]) => `${k.replace(/^(grpc|command|message)_/, '')} ${num(v, 1)}`)
      .join(' · ')})`;
  const failures = ARMS.flatMap((a) => rounds[a].flatMap((r) => r.failures.map((f) => `${a}: ${f}`)));
  const cpu = (arm: Arm) => rounds[arm].at(-1)?.cpu ?? {};
  const clicks = summarize(rounds.opsloop.flatMap((r) => r.clickAckMs ?? []).filter(Number.isFinite));
  return {
    id: 'F3',
    title: 'End-to-end incidents/s',
    rows: [
      {
        measure: `incidents/s, ${c.concurrency} in flight`,
        opsloop: num(o),
        baselines: `skeleton ${num(s)}`,
        ratios: num(ratio(o, s)),
        target: `≥ ${RATIO_TARGET} × skeleton and ≥ ${RATE_TARGET}/s`,
        met: ratio(o, s) >= RATIO_TARGET && o >= RATE_TARGET,
        before: `${num(F3_BEFORE.rate)} · skeleton ${num(F3_BEFORE.skeletonRate)} · ${num(ratio(F3_BEFORE.rate, F3_BEFORE.skeletonRate))}`,
      },
      {
        measure: 'Slack calls per incident',
        opsloop: `postMessage ${num(posts)} (root ${num(roots)}) · update ${num(updates)} · other ${num(total(slack) - posts - updates)}`,
        target: `≤ ${SLACK_POSTS_TARGET} postMessage + ≤ ${SLACK_UPDATES_TARGET} update`,
        met: posts <= SLACK_POSTS_TARGET && updates <= SLACK_UPDATES_TARGET,
      },
      {
        measure: 'ServiceNow calls per incident',
        opsloop: `${num(snTotal)} (${Object.entries(servicenow).map(([k, v]) => `${k} ${num(v)}`).join(', ')}); Business Rule echoes ${num(echoes)}`,
        target: `≤ ${SERVICENOW_TARGET}`,
        met: snTotal <= SERVICENOW_TARGET,
      },
      {
        measure: 'history per incident (3 workflows): events · activities · upserts · payload',
        opsloop: histories.opsloop ? `${histories.opsloop.events} · ${histories.opsloop.activities} · ${histories.opsloop.searchAttributeUpserts} · ${histories.opsloop.payloadKb} kB` : '–',
        baselines: histories.skeleton ? `skeleton ${histories.skeleton.events} · ${histories.skeleton.activities} · ${histories.skeleton.searchAttributeUpserts} · ${histories.skeleton.payloadKb} kB` : undefined,
        before: `${F3_BEFORE.events} · ${F3_BEFORE.activities} · ${F3_BEFORE.upserts} · ${F3_BEFORE.payloadKb} kB`,
      },
      {
        measure: 'Temporal Cloud billable actions per approved incident, from the histories (3 workflows)',
        opsloop: histories.opsloop ? formatActions(histories.opsloop.actions) : '–',
        baselines: histories.skeleton ? `skeleton ${formatActions(histories.skeleton.actions)}` : undefined,
        before: F3_BEFORE.actions,
      },
      {
        measure: "the server's own `action` metric per completed incident (adds heartbeats, queries, rejected Updates)",
        opsloop: describeServer(serverPerIncident.opsloop),
        baselines: `skeleton ${describeServer(serverPerIncident.skeleton)}`,
        before: F3_BEFORE.serverActions,
      },
      {
        measure: 'CPU at saturation (cores, last round)',
        opsloop: Object.entries(cpu('opsloop')).filter(([, v]) => v > 0.01).map(([k, v]) => `${k} ${num(v)}`).join(' · '),
        baselines: `skeleton run: ${Object.entries(cpu('skeleton')).filter(([, v]) => v > 0.01).map(([k, v]) => `${k} ${num(v)}`).join(' · ')}`,
      },
      {
        measure: 'CPU time per incident (ms, median round)',
        opsloop: describeCpu(cpuPerIncident(rounds.opsloop)),
        baselines: `skeleton run: ${describeCpu(cpuPerIncident(rounds.skeleton))}`,
      },
      { measure: 'Approve click ack under this load, p50/p99/max', opsloop: latencies(clicks), target: 'max < 2.5 s', met: clicks.max < 2_500 },
    ],
    data: { rounds, perIncident: { slack, slackRootPosts: roots, servicenow, businessRuleEchoes: echoes, serverActions: serverPerIncident }, histories, shape: ctx.shape, before: F3_BEFORE },
    notes: [
      `Incidents/s = ${c.concurrency} in flight / mean time per incident (Little's law) over incidents started after ${c.warmupMs / 1000} s of warm-up, in a ${c.durationMs / 1000} s run per round.`,
      'Skeleton: same workflows (parent, approval child, resolution child), the same number of activities per segment as read from a real incident history, one signal and one Update, activities returning at once; started directly, signal and Update sent by the driver.',
      'The fakes (Slack, ServiceNow, agent) run in the driver process, so their CPU is on the same 2 cores and counts against OpsLoop.',
      'Billable actions follow Temporal Cloud\'s published list (https://docs.temporal.io/evaluate/cloud/actions) event by event over the last incident\'s three histories; the server\'s `action` counter is read before and after each round and divided by the incidents completed in it, so it also holds what no history shows (Activity Heartbeats, Queries) and the TemporalChangeVersion upserts that Cloud does not bill.',
      `Before: ${F3_BEFORE.source}`,
      ...(failures.length ? [`Failed incidents: ${failures.length} (first: ${failures[0]})`] : []),
    ],
  };
}
