import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../src/local/paths';
import { benchConfig } from './config';
import type { FigureContext } from './figures/context';
import { startEdgeCandidates } from './figures/edge-candidates';
import { f1SlackAck } from './figures/f1-slack-ack';
import { f2WebhookIngest } from './figures/f2-webhook-ingest';
import { f3Throughput } from './figures/f3-throughput';
import { f4FirstPost } from './figures/f4-first-post';
import { f5Memory } from './figures/f5-memory';
import { f6Recovery } from './figures/f6-recovery';
import { f8Cluster } from './figures/f8-cluster';
import { startSkeletonWorker } from './figures/skeleton-worker';
import { devServerSteps } from './figures/dev-server-steps';
import { prepareFixtures } from './fixtures';
import { canPin, lastPinError } from './harness/affinity';
import { BUNDLE_SOURCES, buildBundle, type BuiltBundle, type BundleName } from './harness/bundles';
import { waitForQuiet } from './harness/quiet';
import { startBenchStack } from './harness/stack';
import { watchSlack } from './loop/slack-watch';
import { describeTuning, environment } from './report/environment';
import { markdownTable } from './report/format';
import { resultsMarkdown } from './report/results-md';
import type { FigureResult } from './report/types';

/**
 * `npm run bench` (full, ~20 min, rewrites bench/RESULTS.md) and `npm run bench:smoke` (every figure's code path
 * with small N, for CI). Exits non-zero only when the harness itself failed, never for a missed target.
 * `-- --only=F1,F3` runs some figures; `-- --echo` prints the child processes' output; `-- --dev-server-steps` adds
 * F7 (F3 and F4 once per dev-server setting, from the CLI's defaults to the tuned ones, about 13 min in full mode);
 * `-- --cluster` adds F8 (F3 and F4 for OpsLoop on a multi-process Temporal cluster on PostgreSQL, one worker and two).
 */
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const steps = args.includes('--dev-server-steps') || (only?.includes('F7') ?? false);
const cluster = args.includes('--cluster') || (only?.includes('F8') ?? false);
/** A full run waits for a quieter machine (other processes skew every figure), but not forever. */
const QUIET_LOAD = 2;
const QUIET_MAX_WAIT_MS = 3 * 60_000;
const log = (line: string) => process.stdout.write(`${line}\n`);
const wanted = (id: string) => (id === 'F7' ? steps : id === 'F8' ? cluster : !only || only.includes(id));

async function figure(id: string, title: string, fn: () => Promise<FigureResult>): Promise<FigureResult | undefined> {
  if (!wanted(id)) return undefined;
  log(`${id} ${title}…`);
  const started = Date.now();
  try {
    const result = await fn();
    return { ...result, durationS: Math.round((Date.now() - started) / 1000) };
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log(`${id} failed: ${error}`);
    return { id, title, rows: [], data: {}, notes: [], error, durationS: Math.round((Date.now() - started) / 1000) };
  }
}

function commandLine(): string {
  const overrides = Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_')).map(([k, v]) => `${k}=${v} `).join('');
  const extra = args.filter((a) => a !== '--smoke');
  return `${overrides}npm run ${smoke ? 'bench:smoke' : 'bench'}${extra.length ? ` -- ${extra.join(' ')}` : ''}`;
}

async function main(): Promise<number> {
  const config = benchConfig(smoke ? 'smoke' : 'full');
  const quiet = smoke ? undefined : await waitForQuiet(QUIET_LOAD, QUIET_MAX_WAIT_MS, log);
  const startedAt = new Date();
  const workDir = mkdtempSync(join(tmpdir(), 'opsloop-bench-'));
  log(`OpsLoop benchmarks, ${config.mode} mode (work dir ${workDir})`);
  const echoChildren = args.includes('--echo');
  const bundles = {} as Record<BundleName, BuiltBundle>;
  for (const name of Object.keys(BUNDLE_SOURCES) as BundleName[]) bundles[name] = await buildBundle(name, workDir);
  // Before the main stack starts: each step runs a stack of its own, alone on the machine.
  const stepFigure = await figure('F7', 'Dev-server settings, step by step', () => devServerSteps({ config, bundles, workDir, log, echoChildren }));
  const stack = await startBenchStack({ workDir, log, echoChildren });
  // Interrupted (Ctrl-C, a CI timeout): stop the dev server, API and workers rather than leave them running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`\n${signal}: stopping the bench's processes…`);
      void stack.close().finally(() => process.exit(130));
    });
  }
  const watch = watchSlack(stack.slack);
  const figures: FigureResult[] = [];
  let pinned = false;
  try {
    const { shape, parked } = await prepareFixtures(stack, watch, config.f1.parked);
    const ctx: FigureContext = { config, stack, watch, workDir, bundles, shape, parked, log, shared: {} };
    const env = await environment(stack.cliPath, {
      mode: config.mode,
      rounds: config.rounds,
      devServer: describeTuning({ fastSqlite: true }),
      ...(quiet ? { loadAverage1mAtStart: quiet.load, waitedForQuietS: quiet.waitedS } : {}),
    });

    if (wanted('F1') || wanted('F2')) {
      const edge = await startEdgeCandidates(ctx);
      pinned = await edge.pin();
      ctx.shared.pinned = pinned;
      try {
        figures.push(...[await figure('F1', 'Slack ack latency', () => f1SlackAck(ctx, edge)), await figure('F2', 'Webhook ingest', () => f2WebhookIngest(ctx, edge))].filter((f) => f !== undefined));
      } finally {
        await edge.unpin();
        await edge.stop();
      }
    }
    if (wanted('F3') || wanted('F4')) {
      const skeleton = await startSkeletonWorker(ctx, 'bench-skeleton');
      try {
        figures.push(...[await figure('F3', 'End-to-end incidents/s', () => f3Throughput(ctx, skeleton)), await figure('F4', 'Webhook → first Slack post', () => f4FirstPost(ctx, skeleton))].filter((f) => f !== undefined));
      } finally {
        await skeleton.child.stop();
      }
    }
    for (const f of [await figure('F5', 'Worker memory', () => f5Memory(ctx)), await figure('F6', 'Recovery after worker SIGKILL', () => f6Recovery(ctx))]) {
      if (f) figures.push(f);
    }
    // After the dev-server figures, whose F3 and F4 it compares with; the dev-server stack idles meanwhile.
    const clusterFigure = await figure('F8', 'On a Temporal cluster, one worker and two', () => f8Cluster({ config, workDir, bundles, log, shared: ctx.shared, echoChildren }));
    if (clusterFigure) figures.push(clusterFigure);
    if (stepFigure) figures.push(stepFigure);

    const durationS = Math.round((Date.now() - startedAt.getTime()) / 1000);
    env.cpuPlacement = pinned
      ? 'F1/F2: load generator on CPU 0, the HTTP candidates on CPU 1, dev server and worker on both (taskset); F3–F6: all on both'
      : `not pinned (${lastPinError ?? ((await canPin()) ? 'not asked' : 'taskset unavailable')})`;
    env.loadAverage1mAtEnd = Math.round(loadavg()[0]! * 100) / 100;
    const summary = { command: commandLine(), mode: config.mode, startedAt, durationS, environment: env, figures };
    log('');
    log(markdownTable(figures));
    for (const f of figures) log(`\n${f.id} ${JSON.stringify({ environment: env, ...f.data })}`);
    const out = smoke || only ? join(tmpdir(), `opsloop-bench-${config.mode}-RESULTS.md`) : resolve(PROJECT_ROOT, 'bench/RESULTS.md');
    writeFileSync(out, resultsMarkdown(summary));
    log(`\nWrote ${out} (${Math.round(durationS / 6) / 10} min).`);
    return figures.some((f) => f.error) ? 1 : 0;
  } finally {
    watch.stop();
    await stack.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
