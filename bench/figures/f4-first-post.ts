import { resetFakes } from '../loop/fake-ledger';
import { runIncident } from '../loop/incident-driver';
import { openPipeline } from '../loop/pipeline';
import { median, ratio, summarize, type LatencySummary } from '../load/stats';
import { latencies, num } from '../report/format';
import type { FigureResult, Row } from '../report/types';
import { EAGER_START_RESULT, type EagerStartSamples } from '../skeleton/shape';
import type { FigureContext } from './context';
import { alternate } from './rounds';
import type { SkeletonWorker } from './skeleton-worker';

const ARMS = ['opsloop', 'skeleton'] as const;
type Arm = (typeof ARMS)[number];
const IDLE_P50_TARGET_MS = 100;
const IDLE_P99_TARGET_MS = 300;
const LOADED_P99_TARGET_MS = 1_000;
const RATIO_TARGET = 1.3;

/**
 * F4: from the webhook (the incident's creation in ServiceNow, whose Business Rule posts at once) to the fake
 * Slack receiving the thread's first chat.postMessage; idle (1 incident/s) and at half of F3's OpsLoop saturation.
 * Skeleton: from its direct start to its first-post activity running. Every incident runs the whole loop.
 */
export async function f4FirstPost(ctx: FigureContext, skeleton: SkeletonWorker): Promise<FigureResult> {
  const c = ctx.config.f4;
  const loadedRate = Math.max(0.5, (ctx.shared.f3OpsLoopRate ?? 2) / 2);
  const samples: Record<'idle' | 'loaded', Record<Arm, number[][]>> = { idle: { opsloop: [], skeleton: [] }, loaded: { opsloop: [], skeleton: [] } };
  const failures: string[] = [];
  const runOne = (arm: Arm) => async () =>
    arm === 'opsloop'
      ? (await runIncident(ctx.stack, ctx.watch, { via: 'business-rule', timeoutMs: ctx.config.incidentTimeoutMs })).firstPostMs
      : (await skeleton.driver.run({ timeoutMs: ctx.config.incidentTimeoutMs })).firstPostMs;

  for (let round = 0; round < ctx.config.rounds; round++) {
    for (const arm of alternate(ARMS, round)) {
      for (const [phase, rate, seconds] of [['idle', c.idleRate, c.idleIncidents / c.idleRate], ['loaded', loadedRate, c.loadedSeconds]] as const) {
        resetFakes(ctx.stack, ctx.watch);
        const result = await openPipeline(runOne(arm), { ratePerSecond: rate, durationMs: seconds * 1000 });
        samples[phase][arm].push(result.all);
        failures.push(...result.failures.map((f) => `${arm} ${phase}: ${f}`));
        ctx.log(`  F4 round ${round + 1} ${arm} ${phase} (${num(rate)}/s): ${latencies(summarize(result.all))}`);
      }
    }
  }
  resetFakes(ctx.stack, ctx.watch);
  const eager = c.eagerStarts > 0 ? await eagerStartPotential(ctx, c.eagerStarts) : undefined;

  const med = (phase: 'idle' | 'loaded', arm: Arm): LatencySummary => {
    const perRound = samples[phase][arm].map((s) => summarize(s));
    return { n: perRound.reduce((n, r) => n + r.n, 0), p50: median(perRound.map((r) => r.p50)), p99: median(perRound.map((r) => r.p99)), p999: NaN, max: Math.max(...perRound.map((r) => r.max)) };
  };
  const [idle, idleSk, loaded, loadedSk] = [med('idle', 'opsloop'), med('idle', 'skeleton'), med('loaded', 'opsloop'), med('loaded', 'skeleton')];
  ctx.shared.f4OpsLoop = { idle, loaded, loadedRate };
  return {
    id: 'F4',
    title: 'Webhook → first Slack post',
    rows: [
      {
        measure: `idle (${c.idleRate}/s) · p50/p99/max`,
        opsloop: latencies(idle),
        baselines: `skeleton ${latencies(idleSk)}`,
        ratios: `${num(ratio(idle.p50, idleSk.p50))}, ${num(ratio(idle.p99, idleSk.p99))}`,
        target: `p50 ≤ ${IDLE_P50_TARGET_MS} ms, p99 ≤ ${IDLE_P99_TARGET_MS} ms, ≤ ${RATIO_TARGET} × skeleton`,
        met: idle.p50 <= IDLE_P50_TARGET_MS && idle.p99 <= IDLE_P99_TARGET_MS && ratio(idle.p50, idleSk.p50) <= RATIO_TARGET,
      },
      {
        measure: `at half of F3 saturation (${num(loadedRate)}/s) · p50/p99/max`,
        opsloop: latencies(loaded),
        baselines: `skeleton ${latencies(loadedSk)}`,
        ratios: `${num(ratio(loaded.p50, loadedSk.p50))}, ${num(ratio(loaded.p99, loadedSk.p99))}`,
        target: `p99 ≤ ${LOADED_P99_TARGET_MS / 1000} s, ≤ ${RATIO_TARGET} × skeleton`,
        met: loaded.p99 <= LOADED_P99_TARGET_MS && ratio(loaded.p99, loadedSk.p99) <= RATIO_TARGET,
      },
      ...(eager ? [eagerRow(eager)] : []),
    ],
    data: { loadedRate, samples, summary: { idle, idleSk, loaded, loadedSk }, ...(eager ? { eagerStart: eager } : {}) },
    notes: [
      'Both arms are offered the same absolute load (half of OpsLoop\'s F3 rate), and every incident runs to resolution.',
      'OpsLoop is timed from the webhook (its Business Rule fires as the incident is created) to the fake Slack receiving chat.postMessage; the skeleton from its start to the activity standing for that post.',
      ...(eager
        ? [
            "Eager start: the skeleton started at 1/s from one process that also runs its worker over the same NativeConnection (what requestEagerStart needs), alternating plain and eager starts, each timed from the start call to its first-post activity. OpsLoop's webhook cannot use it as built: the API runs no worker, and it delivers with signalWithStart, which has no eager form.",
          ]
        : []),
      ...(failures.length ? [`Failed incidents: ${failures.length} (first: ${failures[0]})`] : []),
    ],
  };
}

async function eagerStartPotential(ctx: FigureContext, count: number): Promise<EagerStartSamples> {
  const child = ctx.stack.startProcess('eager-start', 'bench/skeleton/eager-start.ts', {
    TEMPORAL_TASK_QUEUE: 'bench-eager-start',
    BENCH_WORKFLOW_BUNDLE: ctx.bundles.skeleton.path,
    BENCH_SKELETON_SHAPE: JSON.stringify(ctx.shape),
    BENCH_EAGER_COUNT: String(count),
    BENCH_EAGER_RATE: '1',
  });
  try {
    const line = await child.waitForLine(new RegExp(`^${EAGER_START_RESULT} `), 60_000 + count * 2_000);
    return JSON.parse(line.slice(EAGER_START_RESULT.length + 1)) as EagerStartSamples;
  } finally {
    await child.stop();
  }
}

function eagerRow(e: EagerStartSamples): Row {
  const [plain, eager] = [summarize(e.start), summarize(e.eager)];
  return {
    measure: 'eager start potential (skeleton, client + worker in one process, 1/s) · p50/p99/max',
    opsloop: `not applicable (signalWithStart from a worker-less API)`,
    baselines: `start ${latencies(plain)} · requestEagerStart ${latencies(eager)} (${e.eagerlyStarted}/${e.eager.length} granted)`,
    ratios: `eager/start ${num(ratio(eager.p50, plain.p50))}, ${num(ratio(eager.p99, plain.p99))}`,
  };
}
