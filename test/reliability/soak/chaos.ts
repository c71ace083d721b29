import type { OwnDevServer } from '../harness/own-dev-server';
import type { ProcessStack } from '../harness/process-stack';
import { sleep, type FakesWatch } from './watch';

export interface Disruption {
  kind: 'worker SIGKILL' | 'dev server kill -9';
  /** How many incidents were resolved when it struck. */
  afterResolved: number;
  at: number;
  /** When the killed dev server was gone (its exit was seen). */
  downAt?: number;
  /** When the dev server was started again (the end of the outage proper). */
  restartAt?: number;
  /** When the process answered again (worker polling, dev server serving). */
  backAt: number;
  /** The first ticket resolved after it was back: the loop made progress again. */
  progressAt?: number;
}

/** Where the disruptions strike, as shares of the incidents resolved: spread over the run, never overlapping. */
export const SCHEDULE: { share: number; kind: Disruption['kind'] }[] = [
  { share: 0.2, kind: 'worker SIGKILL' },
  { share: 0.45, kind: 'worker SIGKILL' },
  { share: 0.6, kind: 'dev server kill -9' },
  { share: 0.8, kind: 'worker SIGKILL' },
];
/** The dev server stays down this long before its restart, so deliveries meet the outage. */
const OUTAGE_MS = 10_000;

/**
 * Runs the schedule against the running soak: SIGKILLs the worker (restarted right away) and kill -9s the dev server
 * (restarted in place on its SQLite file). Stops early when the driver is done; the report says what struck.
 */
export async function runChaos(
  ctx: { stack: ProcessStack; server: OwnDevServer; watch: FakesWatch; total: number; resolved: () => number; done: () => boolean; duringOutage: () => void; log: (line: string) => void },
  disruptions: Disruption[],
): Promise<void> {
  for (const step of SCHEDULE) {
    const threshold = Math.max(1, Math.round(step.share * ctx.total));
    while (ctx.resolved() < threshold && !ctx.done()) await sleep(200);
    if (ctx.done()) return;
    const at = Date.now();
    const afterResolved = ctx.resolved();
    if (step.kind === 'worker SIGKILL') {
      await ctx.stack.worker().kill9();
      ctx.log(`soak: worker SIGKILLed after ${afterResolved} resolved; restarting it`);
      await ctx.stack.startWorker();
    } else {
      await ctx.server.kill9();
      const downAt = Date.now();
      ctx.log(`soak: dev server kill -9 after ${afterResolved} resolved (gone after ${downAt - at} ms); down for ${OUTAGE_MS / 1000} s`);
      ctx.duringOutage();
      await sleep(OUTAGE_MS);
      const restartAt = Date.now();
      const ms = await ctx.server.restart();
      ctx.log(`soak: dev server serving again ${ms} ms after its restart began`);
      disruptions.push({ kind: step.kind, afterResolved, at, downAt, restartAt, backAt: Date.now() });
      continue;
    }
    disruptions.push({ kind: step.kind, afterResolved, at, backAt: Date.now() });
  }
}

/** Fills in each disruption's first progress once the run is over (a resolution can land late). */
export function settleProgress(disruptions: Disruption[], watch: FakesWatch): void {
  for (const d of disruptions) d.progressAt = watch.firstResolutionAfter(d.backAt);
}
