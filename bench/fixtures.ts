import { incidentWorkflowId } from '../src/contracts/workflow-ids';
import type { ParkedIncident } from './figures/context';
import type { BenchOpsLoop } from './harness/stack';
import { measureShape } from './loop/history-shape';
import { runIncident } from './loop/incident-driver';
import { countPipeline } from './loop/pipeline';
import type { SlackWatch } from './loop/slack-watch';
import type { SkeletonShape } from './skeleton/shape';

/**
 * What the figures start from: one incident run to resolution (its history gives the skeleton its shape; it also
 * warms every process up) and `parkCount` left awaiting a decision: the targets of `/ops status` and of refused
 * clicks. Several, because Temporal handles one workflow's Updates one workflow task at a time, and real clicks
 * land on different incidents.
 */
export async function prepareFixtures(stack: BenchOpsLoop, watch: SlackWatch, parkCount: number): Promise<{ shape: SkeletonShape; parked: ParkedIncident[] }> {
  const done = await runIncident(stack, watch, { via: 'business-rule', timeoutMs: 120_000 });
  const shape = await measureShape(stack.client, incidentWorkflowId(done.number));
  const { all, failures } = await countPipeline(() => runIncident(stack, watch, { via: 'business-rule', park: true, timeoutMs: 120_000 }), { count: parkCount, concurrency: 8 });
  if (failures.length) throw new Error(`could not park incidents for F1: ${failures[0]}`);
  const parked = await Promise.all(all.map(async (run) => ({ number: run.number, buttonValue: (await watch.approval(run.number, 1_000)).value })));
  return { shape, parked };
}
