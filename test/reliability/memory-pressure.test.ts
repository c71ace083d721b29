import { readFileSync } from 'node:fs';
import { findDecisionMessage } from '../../src/sandbox/slack-messages';
import { freePort } from '../helpers/free-port';
import { eventually } from '../helpers/eventually';
import { temporalAddress } from '../helpers/temporal';
import { APPROVERS } from '../helpers/test-policy';
import { check, type Verdict } from './checker';
import { startProcessStack, type ProcessStack } from './harness/process-stack';
import { worldOf } from './harness/world';
import { Ledger } from './ledger';
import { buttonClick, serviceNowEvent } from './requests';
import { impactUrgencyFor } from '../../src/servicenow/priority';

/** The worker's V8 heap limit, a small container's: below 48 MB it cannot even start here (it OOMs while loading). */
const HEAP_MB = Number(process.env.OPSLOOP_TEST_HEAP_MB ?? 64);
/** Far above what that heap can hold by the SDK's own estimate (max((heap - 200 MB) x 600/1024, 10) = 10). */
const MAX_CACHED = 2000;
/** Incidents parked awaiting a decision: each keeps two workflows open (the investigation and its approval). */
const PARKED = Number(process.env.OPSLOOP_TEST_PARKED ?? 40);
const BATCH = 20;

const kb = (status: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);

/** Reads RSS (and its peak, VmHWM) from /proc/<pid>/status; undefined once the process is gone. */
function memoryOf(pid: number | undefined): { rssMb: number; peakMb: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rssMb: Math.round(kb(status, 'VmRSS') / 1024), peakMb: Math.round(kb(status, 'VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

const inBatches = async <T,>(items: T[], size: number, fn: (item: T) => Promise<void>) => {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
};

describe('fault 14: worker memory pressure (small heap, maxCachedWorkflows above what fits)', () => {
  let stack: ProcessStack;
  let driver: Ledger;
  let verdict: Verdict;
  let metricsUrl: string;
  const numbers: string[] = [];
  const samples: { phase: string; at: number; rssMb: number }[] = [];
  const crashes: string[] = [];
  let parked = { size: 0, forcedEvictions: 0 };
  let phase = 'start';
  let supervising = true;
  let supervisor: Promise<void> = Promise.resolve();

  /** Like a container runtime: samples the worker's memory, and starts a new worker if it dies (an OOM crash). */
  const supervise = async () => {
    while (supervising) {
      const worker = stack.worker();
      const memory = memoryOf(worker.pid);
      if (memory) samples.push({ phase, at: Date.now(), rssMb: memory.rssMb });
      if (!worker.running()) {
        const last = stack.output.filter((l) => l.startsWith('[worker] ')).slice(-3);
        crashes.push(`${phase}: ${last.join(' | ')}`);
        if (crashes.length > 3) throw new Error(`the worker is crash-looping:\n${crashes.join('\n')}`);
        await stack.startWorker();
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  const stickyCache = async () => {
    const text = await fetch(metricsUrl).then((r) => r.text(), () => '');
    const value = (name: string) => text.split('\n').filter((l) => l.startsWith(name)).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    return { size: value('temporal_sticky_cache_size'), forcedEvictions: value('temporal_sticky_cache_total_forced_eviction') };
  };
  const peak = (p: string) => Math.max(0, ...samples.filter((s) => s.phase === p).map((s) => s.rssMb));

  beforeAll(async () => {
    const metricsAddress = `127.0.0.1:${await freePort()}`;
    metricsUrl = `http://${metricsAddress}/metrics`;
    stack = await startProcessStack({
      temporalAddress: temporalAddress(),
      workerEnv: {
        NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}`,
        OPSLOOP_MAX_CACHED_WORKFLOWS: String(MAX_CACHED),
        // Bundling at start alone needs a heap of 64-96 MB: the worker loads the bundle the global setup built.
        OPSLOOP_WORKFLOW_BUNDLE: String(process.env.OPSLOOP_TEST_WORKFLOW_BUNDLE),
        OPSLOOP_WORKER_METRICS_ADDRESS: metricsAddress,
      },
    });
    driver = new Ledger(stack.apiUrl);
    supervisor = supervise();
    const started = Date.now();

    phase = 'idle';
    await new Promise((r) => setTimeout(r, 1000));
    phase = 'parking';
    const incidents = Array.from({ length: PARKED }, (_, i) => stack.servicenow.createIncident({ short_description: `Memory pressure ${i}`, state: '2', ...impactUrgencyFor('2') }));
    numbers.push(...incidents.map((i) => i.number));
    await inBatches(incidents, BATCH, async (incident) => {
      const ingest = await driver.send(serviceNowEvent(stack.serviceNowWebhookSecret, incident, 'insert'));
      if (ingest.status !== 202) throw new Error(`${incident.number}: webhook answered ${ingest.status}`);
      await eventually(() => findDecisionMessage(stack.slack, incident.number), 90_000, `the decision message of ${incident.number}`);
    });
    phase = 'parked';
    await new Promise((r) => setTimeout(r, 1500));
    parked = await stickyCache();

    phase = 'approving';
    await inBatches(numbers, BATCH, async (number) => {
      const decision = structuredClone(findDecisionMessage(stack.slack, number)!);
      const click = await driver.send(buttonClick(stack.signingSecret, decision, { choice: 'approve', userId: APPROVERS[0]!, responseUrl: stack.slack.newResponseUrl(), expect: 'accepted' }));
      if (click.status !== 200) throw new Error(`${number}: click answered ${click.status}`);
      await eventually(() => stack.servicenow.incident(number)?.state === '6', 90_000, `${number} resolved`);
    });
    phase = 'done';
    await new Promise((r) => setTimeout(r, 1000));
    const done = await stickyCache();
    supervising = false;
    await supervisor;

    verdict = await check(driver, worldOf(stack), { incidents: Object.fromEntries(numbers.map((n) => [n, { threads: 1, resolved: 1 }])), settleMs: 60_000 });
    console.log(
      `fault 14: heap limit ${HEAP_MB} MB, maxCachedWorkflows ${MAX_CACHED}, ${PARKED} incidents parked (${2 * PARKED} open workflows), ` +
        `${Date.now() - started} ms\n` +
        `  worker RSS peak (MB): idle ${peak('idle')}, parking ${peak('parking')}, parked ${peak('parked')}, approving ${peak('approving')}, done ${peak('done')}\n` +
        `  sticky cache: ${parked.size} parked, ${done.size} at the end; forced evictions ${done.forcedEvictions}\n` +
        `  crashes: ${crashes.length}${crashes.map((c) => `\n    ${c}`).join('')}`,
    );
  });
  afterAll(async () => {
    supervising = false;
    await supervisor.catch(() => undefined);
    await stack?.close();
  });

  it('resolves every parked incident exactly once, with nothing lost, crash or no crash', () => {
    expect(verdict.violations).toEqual([]);
    for (const n of numbers) expect({ n, state: stack.servicenow.incident(n)?.state }).toEqual({ n, state: '6' });
    expect(verdict.runs).toBe(PARKED * 3);
  });

  it('does not crash-loop: at most one restart, and the worker ran to the end', () => {
    expect(crashes.length).toBeLessThanOrEqual(1);
    expect(stack.worker().running()).toBe(true);
    expect(samples.filter((s) => s.phase === 'parked').length).toBeGreaterThan(0);
  });

  it('honours OPSLOOP_MAX_CACHED_WORKFLOWS: every parked workflow stayed cached, past the SDK default of 10 for this heap', () => {
    // After a crash the cache starts empty again: only a worker that lived through the parking holds them all.
    if (crashes.some((c) => c.startsWith('parking'))) return;
    // Two workflows per parked incident, and the agent's semaphore, which lives as long as the task queue.
    expect(parked).toEqual({ size: 2 * PARKED + 1, forcedEvictions: 0 });
  });
});
