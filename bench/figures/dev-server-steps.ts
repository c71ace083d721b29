import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_DEFAULT_DEV_SERVER, type DevServerTuning } from '../../src/local/dev-server';
import type { BenchConfig } from '../config';
import { prepareFixtures } from '../fixtures';
import type { BuiltBundle, BundleName } from '../harness/bundles';
import { startBenchStack } from '../harness/stack';
import { watchSlack } from '../loop/slack-watch';
import { median, ratio } from '../load/stats';
import { num } from '../report/format';
import type { FigureResult, Row } from '../report/types';
import type { FigureContext } from './context';
import { cpuPerIncident, f3Throughput } from './f3-throughput';
import { f4FirstPost } from './f4-first-post';
import { startSkeletonWorker } from './skeleton-worker';

export interface DevServerStep {
  name: string;
  tuning: DevServerTuning;
}

/** From the CLI's defaults to what the embedded dev server runs in the tests and the bench, one change at a time. */
export const DEV_SERVER_STEPS: DevServerStep[] = [
  { name: "CLI's defaults (rollback journal, synchronous=FULL, 4 partitions)", tuning: CLI_DEFAULT_DEV_SERVER },
  { name: '+ WAL, synchronous=NORMAL (npm start)', tuning: { sqlite: 'wal', eagerActivities: false } },
  { name: '+ synchronous=OFF (tests, bench)', tuning: { sqlite: 'wal-unsynced', eagerActivities: false } },
  { name: '+ 1 task-queue partition', tuning: { sqlite: 'wal-unsynced', taskQueuePartitions: 1, eagerActivities: false } },
  { name: '+ eager activity dispatch', tuning: { sqlite: 'wal-unsynced', taskQueuePartitions: 1, eagerActivities: true } },
];

interface StepResult {
  step: string;
  tuning: DevServerTuning;
  opsloop: number;
  skeleton: number;
  firstPostIdleP50: { opsloop: number; skeleton: number };
  /** Dev server + the arm's worker (and OpsLoop's API), CPU ms per incident: the measure that survives a busy machine. */
  cpuMs: { opsloop: number; skeleton: number };
  f3: FigureResult;
  f4: FigureResult;
}

export interface StepsInput {
  config: BenchConfig;
  bundles: Record<BundleName, BuiltBundle>;
  workDir: string;
  log: (line: string) => void;
  echoChildren?: boolean;
}

interface F3Rounds {
  rounds: Record<'opsloop' | 'skeleton', { rate: number; cpuMsPerIncident: Record<string, number> }[]>;
}

const sumOf = (ms: Record<string, number>, names: string[]) => names.reduce((sum, n) => sum + (ms[n] ?? 0), 0);
interface F4Summary {
  summary: Record<'idle' | 'idleSk', { p50: number }>;
}

/** One step: a fresh stack (dev server, API, worker, skeleton worker) with that tuning, then F3 and F4 at small N. */
async function measureStep(input: StepsInput, step: DevServerStep, index: number): Promise<StepResult> {
  const workDir = join(input.workDir, `step-${index}`);
  mkdirSync(workDir, { recursive: true });
  const stack = await startBenchStack({ workDir, log: input.log, echoChildren: input.echoChildren, devServerTuning: step.tuning });
  const watch = watchSlack(stack.slack);
  try {
    const { shape } = await prepareFixtures(stack, watch, 0);
    const s = input.config.steps;
    const ctx: FigureContext = {
      config: { ...input.config, rounds: s.rounds, f3: s.f3, f4: s.f4 },
      stack,
      watch,
      workDir,
      bundles: input.bundles,
      shape,
      parked: [],
      log: input.log,
      shared: {},
    };
    const skeleton = await startSkeletonWorker(ctx, 'bench-skeleton');
    try {
      const f3 = await f3Throughput(ctx, skeleton);
      const f4 = await f4FirstPost(ctx, skeleton);
      const rates = f3.data as unknown as F3Rounds;
      const first = (f4.data as unknown as F4Summary).summary;
      return {
        step: step.name,
        tuning: step.tuning,
        opsloop: median(rates.rounds.opsloop.map((r) => r.rate)),
        skeleton: median(rates.rounds.skeleton.map((r) => r.rate)),
        firstPostIdleP50: { opsloop: first.idle.p50, skeleton: first.idleSk.p50 },
        cpuMs: {
          opsloop: sumOf(cpuPerIncident(rates.rounds.opsloop), ['dev server', 'worker', 'api']),
          skeleton: sumOf(cpuPerIncident(rates.rounds.skeleton), ['dev server', 'skeleton']),
        },
        f3,
        f4,
      };
    } finally {
      await skeleton.child.stop();
    }
  } finally {
    watch.stop();
    await stack.close();
  }
}

/**
 * F7: F3 (OpsLoop and the same-shape skeleton) and F4's idle first post under each dev-server setting, each on its
 * own fresh stack, so the report shows what every step buys: its ratio to the step before and to the CLI's defaults.
 */
export async function devServerSteps(input: StepsInput): Promise<FigureResult> {
  const results: StepResult[] = [];
  for (const [i, step] of DEV_SERVER_STEPS.entries()) {
    input.log(`  F7 step ${i + 1}/${DEV_SERVER_STEPS.length}: ${step.name}`);
    const r = await measureStep(input, step, i);
    results.push(r);
    input.log(`  F7 step ${i + 1}: opsloop ${num(r.opsloop)}/s ${r.cpuMs.opsloop} CPU ms · skeleton ${num(r.skeleton)}/s ${r.cpuMs.skeleton} CPU ms · first post idle p50 ${num(r.firstPostIdleP50.opsloop, 0)} / ${num(r.firstPostIdleP50.skeleton, 0)} ms`);
  }
  const [first] = results;
  const rows: Row[] = results.map((r, i) => {
    const prev = results[i - 1];
    return {
      measure: `F3 incidents/s · ${r.step}`,
      opsloop: `${num(r.opsloop)}/s · ${r.cpuMs.opsloop} CPU ms per incident · first post idle p50 ${num(r.firstPostIdleP50.opsloop, 0)} ms`,
      baselines: `skeleton ${num(r.skeleton)}/s · ${r.cpuMs.skeleton} CPU ms · ${num(r.firstPostIdleP50.skeleton, 0)} ms`,
      ratios: prev
        ? `rate: step ×${num(ratio(r.opsloop, prev.opsloop))} (skeleton ×${num(ratio(r.skeleton, prev.skeleton))}), from defaults ×${num(ratio(r.opsloop, first!.opsloop))} (skeleton ×${num(ratio(r.skeleton, first!.skeleton))}) · CPU: step ×${num(ratio(r.cpuMs.opsloop, prev.cpuMs.opsloop))} (skeleton ×${num(ratio(r.cpuMs.skeleton, prev.cpuMs.skeleton))}) · /skeleton ${num(ratio(r.opsloop, r.skeleton))}`
        : `/skeleton ${num(ratio(r.opsloop, r.skeleton))}`,
    };
  });
  const c = input.config.steps;
  return {
    id: 'F7',
    title: 'Dev-server settings, step by step',
    rows,
    data: { steps: results.map((r) => ({ step: r.step, tuning: r.tuning, opsloop: r.opsloop, skeleton: r.skeleton, cpuMs: r.cpuMs, firstPostIdleP50: r.firstPostIdleP50, f3: r.f3.data, f4: r.f4.data })) },
    notes: [
      `${results.length} steps, each on a fresh stack (new dev server, API and workers); per step F3 ${c.rounds} round(s) × ${c.f3.durationMs / 1000} s per arm with ${c.f3.concurrency} in flight, then F4 idle at ${c.f4.idleRate}/s. Shorter than F3 itself: read the ratios between steps more than the absolute rates.`,
      'CPU ms per incident: dev server + worker (+ API for OpsLoop) over the F3 rounds, divided by the incidents completed. A shared machine slows the rate but not the work done, so on a busy machine read this column; fsync waits cost time, not CPU, so the SQLite steps show in the rate only.',
      'The last step is what the tests and the bench run (F1–F6 above); npm start runs the same with synchronous=NORMAL.',
    ],
  };
}
