import { ALL_CPUS, CANDIDATE_CPUS, GENERATOR_CPUS, pinAll } from '../harness/affinity';
import type { RunningChild } from '../../src/local/child-process';
import { freePort } from '../harness/ports';
import type { FigureContext } from './context';

export interface EdgeCandidates {
  /** Base URLs of the three HTTP candidates, each its own process. */
  urls: { opsloop: string; bolt: string; bare: string };
  /** Task queue their webhooks start workflows on: no worker polls it, so F2 measures ingest alone. */
  ingestQueue: string;
  pids: () => Record<string, number>;
  /**
   * Generator (this process) on CPU 0 and the candidates on CPU 1, so load generation never steals a candidate's
   * CPU; the dev server and worker, whose work is the same for every candidate, keep both CPUs.
   */
  pin(): Promise<boolean>;
  /** Every process back on every CPU. */
  unpin(): Promise<boolean>;
  stop(): Promise<void>;
}

async function listening(child: RunningChild): Promise<void> {
  await child.waitForLine(/listening/, 60_000);
}

/**
 * The processes F1 and F2 compare: OpsLoop's real API, a @slack/bolt app and a bare node:http server, all with
 * the same secrets, the same Temporal server and the same calls.
 */
export async function startEdgeCandidates(ctx: FigureContext): Promise<EdgeCandidates> {
  const ingestQueue = 'bench-ingest';
  const [boltPort, barePort] = [await freePort(), await freePort()];
  const bolt = ctx.stack.startProcess('bolt', 'bench/baselines/bolt-server.ts', { PORT: String(boltPort), TEMPORAL_TASK_QUEUE: ingestQueue });
  const bare = ctx.stack.startProcess('bare', 'bench/baselines/bare-server.ts', { PORT: String(barePort), TEMPORAL_TASK_QUEUE: ingestQueue });
  const [api] = await Promise.all([ctx.stack.startApi('api-edge', { TEMPORAL_TASK_QUEUE: ingestQueue }), listening(bolt), listening(bare)]);
  const candidates = [api.child.pid, bolt.pid, bare.pid];
  return {
    urls: { opsloop: api.url, bolt: `http://127.0.0.1:${boltPort}`, bare: `http://127.0.0.1:${barePort}` },
    ingestQueue,
    pids: () => ({ opsloop: api.child.pid, bolt: bolt.pid, bare: bare.pid }),
    pin: () => pinAll([[process.pid, GENERATOR_CPUS], ...candidates.map((pid) => [pid, CANDIDATE_CPUS] as [number, string])]),
    unpin: () => pinAll([[process.pid, ALL_CPUS], ...candidates.map((pid) => [pid, ALL_CPUS] as [number, string])]),
    async stop() {
      await Promise.all([api.child.stop(), bolt.stop(), bare.stop()]);
    },
  };
}
