import type { BundleName } from '../harness/bundles';
import { settledRss, type RssReading } from '../harness/memory-sampler';
import { scrapeMetric } from '../harness/metrics';
import { freePort } from '../harness/ports';
import type { RunningChild } from '../../src/local/child-process';
import { resetFakes } from '../loop/fake-ledger';
import { runIncident } from '../loop/incident-driver';
import { countPipeline } from '../loop/pipeline';
import { ratio, slope } from '../load/stats';
import { num } from '../report/format';
import type { FigureResult } from '../report/types';
import type { FigureContext } from './context';
import { startSkeletonWorker } from './skeleton-worker';

/** The plan asks for a cache at least this big, set explicitly, so parked workflows stay cached. */
const MAX_CACHED = 2_500;
const CACHE_GAUGE = 'temporal_sticky_cache_size';
const PER_WORKFLOW_TARGET_MB = 1;
const SKELETON_RATIO_TARGET = 1.5;
const GROWTH_TARGET = 0.05;

interface VariantWorker {
  child: RunningChild;
  metricsUrl: string;
  run: (park: boolean) => Promise<unknown>;
}

interface ParkPoint extends RssReading {
  parked: number;
  cachedWorkflows?: number;
}

async function startVariant(ctx: FigureContext, variant: BundleName, taskQueue: string): Promise<VariantWorker> {
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const env = { TEMPORAL_TASK_QUEUE: taskQueue, OPSLOOP_MAX_CACHED_WORKFLOWS: String(MAX_CACHED), OPSLOOP_WORKER_METRICS_ADDRESS: metricsAddress };
  const metricsUrl = `http://${metricsAddress}/metrics`;
  const timeoutMs = ctx.config.incidentTimeoutMs;
  if (variant === 'skeleton') {
    const skeleton = await startSkeletonWorker(ctx, taskQueue, env);
    return { child: skeleton.child, metricsUrl, run: (park) => skeleton.driver.run({ park, timeoutMs }) };
  }
  const { child } = await ctx.stack.startWorker(`mem-${variant}`, { ...env, OPSLOOP_WORKFLOW_BUNDLE: ctx.bundles[variant].path });
  return { child, metricsUrl, run: (park) => runIncident(ctx.stack, ctx.watch, { via: { taskQueue }, park, timeoutMs }) };
}

async function parkCurve(ctx: FigureContext, variant: BundleName): Promise<ParkPoint[]> {
  const c = ctx.config.f5;
  const worker = await startVariant(ctx, variant, `bench-mem-${variant.replace(/\W/g, '-')}`);
  const points: ParkPoint[] = [];
  let parked = 0;
  try {
    for (const target of c.parkSteps) {
      const result = await countPipeline(() => worker.run(true), { count: target - parked, concurrency: c.concurrency });
      if (result.failures.length) throw new Error(`${variant}: ${result.failures.length} incidents did not park: ${result.failures[0]}`);
      parked = target;
      const reading = await settledRss(worker.child.pid, { idleMs: c.idleMs, samples: c.samples });
      points.push({ parked, ...reading, cachedWorkflows: await scrapeMetric(worker.metricsUrl, CACHE_GAUGE) });
      ctx.log(`  F5 ${variant}: ${parked} parked → RSS ${reading.rssMb} MB, cache ${points.at(-1)!.cachedWorkflows ?? '?'}`);
    }
  } finally {
    await worker.child.stop();
  }
  return points;
}

interface CompletedPoint extends RssReading {
  completed: number;
  cachedWorkflows?: number;
}

async function completedCurve(ctx: FigureContext): Promise<CompletedPoint[]> {
  const c = ctx.config.f5;
  const worker = await startVariant(ctx, 'opsloop', 'bench-mem-completed');
  const points: CompletedPoint[] = [];
  const batch = Math.ceil(c.completed / c.checkpoints);
  try {
    for (let completed = 0; completed < c.completed; ) {
      const result = await countPipeline(() => worker.run(false), { count: batch, concurrency: c.concurrency });
      completed += batch;
      resetFakes(ctx.stack, ctx.watch);
      const reading = await settledRss(worker.child.pid, { idleMs: c.idleMs, samples: c.samples });
      points.push({ completed, ...reading, cachedWorkflows: await scrapeMetric(worker.metricsUrl, CACHE_GAUGE) });
      ctx.log(`  F5 completed ${completed} (${result.failures.length} failed) → RSS ${reading.rssMb} MB, cache ${points.at(-1)!.cachedWorkflows ?? '?'}`);
    }
  } finally {
    await worker.child.stop();
  }
  return points;
}

const perParked = (points: ParkPoint[]) => slope(points.map((p) => ({ x: p.parked, y: p.rssMb })));
const perCached = (points: ParkPoint[]) => slope(points.filter((p) => p.cachedWorkflows !== undefined).map((p) => ({ x: p.cachedWorkflows!, y: p.rssMb })));

/**
 * F5: worker memory. (a) RSS against incidents parked awaiting a decision (two cached workflows each), for
 * OpsLoop's bundle, the same with its zod contracts bundled in, and the skeleton; (b) RSS and the sticky cache
 * over completed incidents. The OpsLoop variants run the worker entry point with its own settings for the bundle
 * (OPSLOOP_WORKFLOW_BUNDLE) and the cache size (OPSLOOP_MAX_CACHED_WORKFLOWS); incidents are started directly.
 */
export async function f5Memory(ctx: FigureContext): Promise<FigureResult> {
  const { servicenow } = ctx.stack;
  servicenow.installBusinessRule(undefined);
  try {
    const curves: Partial<Record<BundleName, ParkPoint[]>> = {};
    for (const variant of ['opsloop', 'skeleton', 'opsloop+zod'] as const) curves[variant] = await parkCurve(ctx, variant);
    resetFakes(ctx.stack, ctx.watch);
    const completed = await completedCurve(ctx);

    const [o, z, s] = [curves.opsloop!, curves['opsloop+zod']!, curves.skeleton!];
    const last = completed.at(-1)!;
    // A least-squares line through the last half's checkpoints: one reading is a point on the GC sawtooth, the line
    // is the trend. Growth is its rise over the last half, relative to the mean RSS there.
    const lastHalf = completed.filter((p) => p.completed >= last.completed / 2);
    const meanRss = lastHalf.reduce((sum, p) => sum + p.rssMb, 0) / lastHalf.length;
    const growth = (slope(lastHalf.map((p) => ({ x: p.completed, y: p.rssMb }))) * (last.completed - lastHalf[0]!.completed)) / meanRss;
    const c = ctx.config.f5;
    return {
      id: 'F5',
      title: 'Worker memory',
      rows: [
        {
          measure: 'MB per parked incident (RSS slope)',
          opsloop: num(perParked(o)),
          baselines: `skeleton ${num(perParked(s))} · with zod ${num(perParked(z))}`,
          ratios: `/skeleton ${num(ratio(perParked(o), perParked(s)))} · zod/opsloop ${num(ratio(perParked(z), perParked(o)))}`,
        },
        {
          measure: 'MB per cached workflow (RSS over sticky cache size)',
          opsloop: num(perCached(o)),
          baselines: `skeleton ${num(perCached(s))} · with zod ${num(perCached(z))}`,
          ratios: `/skeleton ${num(ratio(perCached(o), perCached(s)))}`,
          target: `≤ ${PER_WORKFLOW_TARGET_MB} MB and ≤ ${SKELETON_RATIO_TARGET} × skeleton`,
          met: perCached(o) <= PER_WORKFLOW_TARGET_MB && ratio(perCached(o), perCached(s)) <= SKELETON_RATIO_TARGET,
        },
        {
          measure: `RSS over ${last.completed} completed incidents`,
          opsloop: completed.map((p) => `${p.completed}: ${p.rssMb} MB`).join(' · '),
          ratios: `last half ${num(growth * 100, 1)} % (trend)`,
          target: `< ${GROWTH_TARGET * 100} % over the last half`,
          met: growth < GROWTH_TARGET,
        },
        {
          measure: 'sticky cache after the completed incidents',
          opsloop: `${last.cachedWorkflows ?? '?'} workflows`,
          target: 'about 0 once workflows close',
          met: last.cachedWorkflows === undefined ? undefined : last.cachedWorkflows <= 2,
        },
      ],
      data: { parkCurves: curves, completed, bundles: ctx.bundles, maxCachedWorkflows: MAX_CACHED },
      notes: [
        `Parked steps ${c.parkSteps.join('/')}; after each, ${c.idleMs / 1000} s idle and the median of ${c.samples} VmRSS samples. maxCachedWorkflows=${MAX_CACHED} set explicitly (the SDK default here is about 2300).`,
        `Completed incidents: ${c.completed} in ${c.checkpoints} batches${ctx.config.mode === 'full' && c.completed < 10_000 ? ' (10,000 show the long-run growth; scaled down to keep the full run near 20 minutes on 2 cores: BENCH_F5_COMPLETED=10000 npm run bench for the long one)' : ''}.`,
        `Bundles: opsloop ${ctx.bundles.opsloop.sizeKb} kB (zod ${ctx.bundles.opsloop.hasZod ? 'in' : 'not in'} it), opsloop+zod ${ctx.bundles['opsloop+zod'].sizeKb} kB, skeleton ${ctx.bundles.skeleton.sizeKb} kB.`,
        'One pass per variant (no alternation): each starts a fresh worker process.',
      ],
    };
  } finally {
    servicenow.installBusinessRule(ctx.stack.businessRule);
  }
}
