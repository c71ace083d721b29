import type { ChaosStep } from './targets';
import { sleep, type FakesWatch } from './watch';

export type DisruptionKind = 'worker SIGKILL' | 'dev server kill -9' | 'API replica SIGKILL' | 'matching SIGKILL' | 'history SIGKILL';

export interface Disruption {
  kind: DisruptionKind;
  /** Temporal was unreachable meanwhile (the dev server, or the cluster's history service). */
  outage: boolean;
  /** How many incidents were resolved when it struck. */
  afterResolved: number;
  at: number;
  /** When the killed process was gone (its exit was seen). */
  downAt: number;
  /** When it was started again. */
  restartAt: number;
  /** When the process served again (worker polling, API listening, Temporal serving). */
  backAt: number;
  /** The first ticket resolved after it was back: the loop made progress again. */
  progressAt?: number;
}

/**
 * Runs the target's schedule against the running soak, one disruption at a time, each when its share of the incidents
 * is resolved: kills the process, keeps it down for the step's pause (new incidents arrive during an outage) and starts
 * it again in place. Stops early when the driver is done; the report says what struck.
 */
export async function runChaos(
  ctx: { schedule: ChaosStep[]; total: number; resolved: () => number; done: () => boolean; duringOutage: () => void; log: (line: string) => void },
  disruptions: Disruption[],
): Promise<void> {
  for (const step of ctx.schedule) {
    const threshold = Math.max(1, Math.round(step.share * ctx.total));
    while (ctx.resolved() < threshold && !ctx.done()) await sleep(200);
    if (ctx.done()) return;
    const at = Date.now();
    const afterResolved = ctx.resolved();
    await step.kill();
    const downAt = Date.now();
    ctx.log(`soak: ${step.kind} after ${afterResolved} resolved (gone after ${downAt - at} ms)${step.downMs > 0 ? `; down for ${step.downMs / 1000} s` : '; restarting it'}`);
    if (step.outage) ctx.duringOutage();
    if (step.downMs > 0) await sleep(step.downMs);
    const restartAt = Date.now();
    await step.start();
    const backAt = Date.now();
    ctx.log(`soak: ${step.kind}: serving again ${backAt - restartAt} ms after its restart began`);
    disruptions.push({ kind: step.kind, outage: step.outage, afterResolved, at, downAt, restartAt, backAt });
  }
}

/** Fills in each disruption's first progress once the run is over (a resolution can land late). */
export function settleProgress(disruptions: Disruption[], watch: FakesWatch): void {
  for (const d of disruptions) d.progressAt = watch.firstResolutionAfter(d.backAt);
}
