import { cpuMeter } from '../harness/proc-stats';
import { closedLoop, httpSender, openLoop } from '../load/generators';
import { createLoadClient, type Outcome, type PreparedRequest } from '../load/http-client';
import { refusedClicks, statusCommands } from '../load/slack-bodies';
import { median, medianOfRounds, ratio, summarize, type LatencySummary } from '../load/stats';
import { latencies, num } from '../report/format';
import type { FigureResult, Row } from '../report/types';
import type { FigureContext } from './context';
import type { EdgeCandidates } from './edge-candidates';
import { alternate } from './rounds';

const ARMS = ['opsloop', 'bolt', 'bare'] as const;
type Arm = (typeof ARMS)[number];
const ENDPOINTS = ['commands', 'interactions'] as const;
type Endpoint = (typeof ENDPOINTS)[number];

const P99_TARGET_MS = 25;
const MAX_TARGET_MS = 2_500;

interface ArmRound {
  loads: Record<string, LatencySummary>;
  saturationRps: number;
  errors: number;
  cpuAt100: Record<string, number>;
}

const errorsIn = (outcomes: Outcome[]) => outcomes.filter((o) => o.status !== 200).length;

/** Checks once that every candidate answers `/ops status` with the incident's stage, i.e. does the same work. */
async function checkSameAnswer(ctx: FigureContext, edge: EdgeCandidates): Promise<Record<Arm, string>> {
  const answers = {} as Record<Arm, string>;
  for (const arm of ARMS) {
    const [req] = statusCommands(ctx.stack.signingSecret, [ctx.parked[0]!.number], ctx.stack.slack.url, 1, `CHECK${arm.toUpperCase()}`);
    const res = await fetch(`${edge.urls[arm]}${req!.path}`, { method: 'POST', headers: req!.headers, body: req!.body });
    answers[arm] = `${res.status} ${(await res.text()).slice(0, 120)}`;
    if (!answers[arm].includes(ctx.parked[0]!.number)) throw new Error(`${arm} answered /ops status with ${answers[arm]}`);
  }
  return answers;
}

/**
 * F1: Slack ack latency of signed /slack/commands (`/ops status`, a query answered by the worker) and
 * /slack/interactions (a click whose Update the approval's validator refuses), each with its Temporal call in the
 * path, for OpsLoop's API, a Bolt app and a bare node:http server: closed loop c=1, open loop at 20 and 100 req/s,
 * saturation at c=32.
 */
export async function f1SlackAck(ctx: FigureContext, edge: EdgeCandidates): Promise<FigureResult> {
  const c = ctx.config.f1;
  const answers = await checkSameAnswer(ctx, edge);
  const bodies = (endpoint: Endpoint, tag: string, count: number): PreparedRequest[] =>
    endpoint === 'commands'
      ? statusCommands(ctx.stack.signingSecret, ctx.parked.map((p) => p.number), ctx.stack.slack.url, count, tag)
      : refusedClicks(ctx.stack.signingSecret, ctx.parked.map((p) => p.buttonValue), count, tag);

  const measured: Record<Endpoint, Record<Arm, ArmRound[]>> = {
    commands: { opsloop: [], bolt: [], bare: [] },
    interactions: { opsloop: [], bolt: [], bare: [] },
  };
  for (const endpoint of ENDPOINTS) {
    for (const arm of ARMS) {
      const client = createLoadClient(edge.urls[arm]);
      await closedLoop(httpSender(client, bodies(endpoint, `W${arm}`.toUpperCase(), c.warmup)), c.warmup, 1);
      client.close();
    }
    for (let round = 0; round < ctx.config.rounds; round++) {
      for (const arm of alternate(ARMS, round)) {
        const tag = `${endpoint[0]}${round}${arm}`.toUpperCase();
        const client = createLoadClient(edge.urls[arm]);
        const loads: Record<string, LatencySummary> = {};
        let errors = 0;
        const closed = await closedLoop(httpSender(client, bodies(endpoint, `${tag}C`, c.closedRequests)), c.closedRequests, 1);
        const closedSummary = summarize(closed.outcomes.map((o) => o.ms));
        loads['closed c=1'] = closedSummary;
        errors += errorsIn(closed.outcomes);
        let cpuAt100: Record<string, number> = {};
        for (const rate of c.openRates) {
          const count = Math.round(rate * c.openSeconds);
          const meter = cpuMeter({ [arm]: edge.pids()[arm], 'dev server': ctx.stack.server.process.pid, worker: ctx.stack.worker.pid });
          const open = await openLoop(httpSender(client, bodies(endpoint, `${tag}O${rate}`, count)), count, rate);
          if (rate === 100) cpuAt100 = meter.stop();
          loads[`open ${rate}/s`] = summarize(open.outcomes.map((o) => o.ms));
          errors += errorsIn(open.outcomes);
        }
        const saturation = await closedLoop(httpSender(client, bodies(endpoint, `${tag}S`, c.saturationRequests)), c.saturationRequests, c.saturationConcurrency);
        errors += errorsIn(saturation.outcomes);
        client.close();
        measured[endpoint][arm].push({ loads, saturationRps: (saturation.outcomes.length * 1000) / saturation.elapsedMs, errors, cpuAt100 });
        ctx.log(`  F1 ${endpoint} round ${round + 1} ${arm}: open 100/s ${latencies(loads['open 100/s'] ?? closedSummary)}`);
      }
    }
  }

  const rows: Row[] = [];
  const data: Record<string, unknown> = { answers, rounds: measured };
  const loadNames = ['closed c=1', ...c.openRates.map((r) => `open ${r}/s`)];
  for (const endpoint of ENDPOINTS) {
    const medianLoad = (arm: Arm, load: string) => medianOfRounds(measured[endpoint][arm].map((r) => r.loads[load]!));
    for (const load of loadNames) {
      const [o, bolt, bare] = [medianLoad('opsloop', load), medianLoad('bolt', load), medianLoad('bare', load)];
      const vsBolt = { p50: ratio(o.p50, bolt.p50), p99: ratio(o.p99, bolt.p99) };
      const vsBare = { p50: ratio(o.p50, bare.p50), p99: ratio(o.p99, bare.p99) };
      const is100 = load === 'open 100/s';
      rows.push({
        measure: `${endpoint} · ${load} · p50/p99/max`,
        opsloop: latencies(o),
        baselines: `bolt ${latencies(bolt)} · bare ${latencies(bare)}`,
        ratios: `/bolt ${num(vsBolt.p50)}, ${num(vsBolt.p99)} · /bare ${num(vsBare.p50)}, ${num(vsBare.p99)}`,
        target: is100 ? `p99 ≤ ${P99_TARGET_MS} ms, max < ${MAX_TARGET_MS / 1000} s, /bolt ≤ 1.0` : '/bolt ≤ 1.0',
        met: is100 ? o.p99 <= P99_TARGET_MS && o.max < MAX_TARGET_MS && vsBolt.p50 <= 1 && vsBolt.p99 <= 1 : vsBolt.p50 <= 1 && vsBolt.p99 <= 1,
      });
      data[`${endpoint} ${load}`] = { opsloop: o, bolt, bare, vsBolt, vsBare };
    }
    const rps = (arm: Arm) => Math.round(median(measured[endpoint][arm].map((r) => r.saturationRps)));
    const [o, bolt, bare] = [rps('opsloop'), rps('bolt'), rps('bare')];
    rows.push({
      measure: `${endpoint} · saturation c=${c.saturationConcurrency} · req/s`,
      opsloop: String(o),
      baselines: `bolt ${bolt} · bare ${bare}`,
      ratios: `/bolt ${num(ratio(o, bolt))} · /bare ${num(ratio(o, bare))}`,
      target: '/bolt ≥ 0.8',
      met: ratio(o, bolt) >= 0.8,
    });
    data[`${endpoint} saturation rps`] = { opsloop: o, bolt, bare };
  }
  const errors = ENDPOINTS.flatMap((e) => ARMS.map((a) => [`${e} ${a}`, measured[e][a].reduce((s, r) => s + r.errors, 0)] as const)).filter(([, n]) => n > 0);
  const notes = [
    `Commands: signed \`/ops status <incident>\` (a query the worker answers). Clicks: signed Approve clicks by users who are not approvers, so every click is a real Update refused by the validator in the worker, repeatable without deciding anything. Both round-robin over ${ctx.parked.length} incidents parked awaiting a decision: Temporal runs one workflow's Updates one workflow task at a time (about 15/s here), and real clicks land on different incidents.`,
    "OpsLoop's status answer says more from the same query (the findings' first lines, who must approve); the baselines format only the stage line.",
    ctx.shared.pinned
      ? 'Each candidate is its own process, pinned to CPU 1 with the load generator on CPU 0 (taskset); the dev server and the worker, whose work is identical for all three, use both CPUs. Pinning them to CPU 1 as well (the first set-up tried) made the worker the bottleneck for every candidate: it spends a few ms of CPU per query or Update.'
      : 'Each candidate is its own process; pinning was not possible in this run (see cpuPlacement), so all processes shared both CPUs.',
  ];
  if (errors.length) notes.push(`Non-200 answers: ${errors.map(([k, n]) => `${k} ${n}`).join(', ')}.`);
  return { id: 'F1', title: 'Slack ack latency', rows, data, notes };
}
