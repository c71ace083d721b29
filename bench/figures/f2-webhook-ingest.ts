import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { createOpsLoopWorkflows } from '../../src/temporal-client/opsloop-workflows';
import { callSender, closedLoop, httpSender, openLoop, type Send } from '../load/generators';
import { createLoadClient, type Outcome } from '../load/http-client';
import { medianOfRounds, ratio, summarize, type LatencySummary } from '../load/stats';
import { incidentEvent, signedWebhook, snapshotOf, type IncidentEvent } from '../load/webhook-bodies';
import { latencies, num } from '../report/format';
import type { FigureResult } from '../report/types';
import type { FigureContext } from './context';
import type { EdgeCandidates } from './edge-candidates';
import { alternate } from './rounds';

const ARMS = ['opsloop', 'bare', 'direct'] as const;
type Arm = (typeof ARMS)[number];
const P99_TARGET_MS = 25;
const BURST_P99_TARGET_MS = 1_000;
/** Incident numbers for synthetic events, far from the fake ServiceNow's own. */
let nextNumber = 80_000_000;

interface ArmRound {
  open: LatencySummary;
  burst: LatencySummary;
  non2xx: number;
}

const non2xx = (outcomes: Outcome[]) => outcomes.filter((o) => o.status < 200 || o.status > 299).length;

/** A sender for one arm: signed POSTs to an HTTP candidate, or signalWithStart straight from this process. */
function sender(ctx: FigureContext, edge: EdgeCandidates, arm: Arm, events: IncidentEvent[]): { send: Send; close: () => void } {
  if (arm === 'direct') {
    return { send: callSender((i) => createOpsLoopWorkflows(ctx.stack.client, edge.ingestQueue).deliverIncidentEvent(snapshotOf(events[i]!)), 202), close: () => undefined };
  }
  const client = createLoadClient(edge.urls[arm]);
  return { send: httpSender(client, events.map((e) => signedWebhook(ctx.stack.webhookSecret, e))), close: () => client.close() };
}

const newEvents = (count: number) => Array.from({ length: count }, () => incidentEvent(nextNumber++));

/** Five identical deliveries at once: all 2xx, one workflow, and the event kept once (one request id per record version). */
async function duplicateCheck(ctx: FigureContext, edge: EdgeCandidates): Promise<{ statuses: number[]; starts: number; signals: number }> {
  const [event] = newEvents(1);
  const client = createLoadClient(edge.urls.opsloop);
  const request = signedWebhook(ctx.stack.webhookSecret, event!);
  const outcomes = await Promise.all(Array.from({ length: ctx.config.f2.duplicates }, () => client.send(request, performance.now())));
  client.close();
  const history = await ctx.stack.client.workflow.getHandle(incidentWorkflowId(event!.number)).fetchHistory();
  const events = history.events ?? [];
  return {
    statuses: outcomes.map((o) => o.status),
    starts: events.filter((e) => e.workflowExecutionStartedEventAttributes).length,
    signals: events.filter((e) => e.workflowExecutionSignaledEventAttributes).length,
  };
}

/**
 * F2: signed ServiceNow webhook → verify → zod → signalWithStart → 202, against a bare node:http server making the
 * same call and against signalWithStart called directly from this process (the floor). Open loop at 20 req/s, then
 * a burst. The events go to a task queue no worker polls, so only ingest is measured.
 */
export async function f2WebhookIngest(ctx: FigureContext, edge: EdgeCandidates): Promise<FigureResult> {
  const c = ctx.config.f2;
  const measured: Record<Arm, ArmRound[]> = { opsloop: [], bare: [], direct: [] };
  for (const arm of ARMS) {
    const warm = sender(ctx, edge, arm, newEvents(20));
    await closedLoop(warm.send, 20, 1);
    warm.close();
  }
  for (let round = 0; round < ctx.config.rounds; round++) {
    for (const arm of alternate(ARMS, round)) {
      const openCount = Math.round(c.openRate * c.openSeconds);
      const open = sender(ctx, edge, arm, newEvents(openCount));
      const openRun = await openLoop(open.send, openCount, c.openRate);
      open.close();
      const burst = sender(ctx, edge, arm, newEvents(c.burst));
      const burstRun = await openLoop(burst.send, c.burst, c.burst / c.burstSeconds);
      burst.close();
      measured[arm].push({
        open: summarize(openRun.outcomes.map((o) => o.ms)),
        burst: summarize(burstRun.outcomes.map((o) => o.ms)),
        non2xx: non2xx(openRun.outcomes) + non2xx(burstRun.outcomes),
      });
      ctx.log(`  F2 round ${round + 1} ${arm}: open ${latencies(measured[arm].at(-1)!.open)}, burst ${latencies(measured[arm].at(-1)!.burst)}`);
    }
  }
  const duplicates = await duplicateCheck(ctx, edge);
  const med = (arm: Arm, load: 'open' | 'burst') => medianOfRounds(measured[arm].map((r) => r[load]));
  const non2xxTotal = (arm: Arm) => measured[arm].reduce((s, r) => s + r.non2xx, 0);

  const rowFor = (load: 'open' | 'burst', label: string, target: string, met: (o: LatencySummary) => boolean) => {
    const [o, bare, direct] = [med('opsloop', load), med('bare', load), med('direct', load)];
    return {
      measure: `webhook · ${label} · p50/p99/max`,
      opsloop: latencies(o),
      baselines: `bare ${latencies(bare)} · direct ${latencies(direct)}`,
      ratios: `/direct ${num(ratio(o.p50, direct.p50))}, ${num(ratio(o.p99, direct.p99))} · /bare ${num(ratio(o.p50, bare.p50))}, ${num(ratio(o.p99, bare.p99))}`,
      target,
      met: met(o),
    };
  };
  const duplicatesOk = duplicates.statuses.every((s) => s >= 200 && s < 300) && duplicates.starts === 1 && duplicates.signals === 1;
  return {
    id: 'F2',
    title: 'Webhook ingest',
    rows: [
      rowFor('open', `open ${c.openRate}/s`, `p99 ≤ ${P99_TARGET_MS} ms`, (o) => o.p99 <= P99_TARGET_MS && non2xxTotal('opsloop') === 0),
      rowFor('burst', `burst ${c.burst} in ${c.burstSeconds} s`, `all 2xx, p99 < ${BURST_P99_TARGET_MS / 1000} s`, (o) => o.p99 < BURST_P99_TARGET_MS && non2xxTotal('opsloop') === 0),
      {
        measure: `${c.duplicates} identical deliveries at once`,
        opsloop: `${duplicates.statuses.join(',')} → ${duplicates.starts} workflow, ${duplicates.signals} signal(s)`,
        target: `all 2xx, exactly 1 workflow and 1 signal`,
        met: duplicatesOk,
      },
    ],
    data: { rounds: measured, duplicates, non2xx: Object.fromEntries(ARMS.map((a) => [a, non2xxTotal(a)])) },
    notes: [
      '`direct` is signalWithStart called from the driver process (pinned to the generator CPU), the same call the API makes: the floor with no HTTP at all.',
    ],
  };
}
