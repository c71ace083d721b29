import { optionalTsToMs } from '@temporalio/common/lib/time';
import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { STICKY_QUEUE_TIMEOUT_MS } from '../../src/worker/create-worker';
import { sendButtonClick } from '../../src/sandbox/slack-requests';
import { resetFakes } from '../loop/fake-ledger';
import { runIncident, withTimeout, type IncidentRun } from '../loop/incident-driver';
import { median } from '../load/stats';
import { millis, num } from '../report/format';
import type { FigureResult, Row } from '../report/types';
import type { FigureContext } from './context';

/** The worker's stickyQueueScheduleToStartTimeout: a dead worker's cached workflows move on after this. */
const STICKY_TIMEOUT_MS = STICKY_QUEUE_TIMEOUT_MS;
const SLACK_DEADLINE_MS = 2_500;
const COLD_START_TARGET_MS = 2_000;

async function until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The activities that write to ServiceNow with a PATCH: the one held open when the worker is killed is one of them. */
const PATCHING_ACTIVITIES = new Set(['addWorkNote', 'addWorkNoteOnce', 'resolveIncident']);

/**
 * The timeouts of the activity that was running when the worker died, as recorded in history: the last one scheduled
 * before the kill that had not finished by then (activities run in parallel, so the last scheduled may have),
 * preferring one that PATCHes ServiceNow, since that is the call the fake held open.
 */
async function inFlightActivity(ctx: FigureContext, workflowId: string, killAt: number) {
  const history = await ctx.stack.client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const before = (e: (typeof events)[number]) => (optionalTsToMs(e.eventTime) ?? 0) <= killAt;
  const finished = new Set(
    events
      .filter(before)
      .map((e) => e.activityTaskCompletedEventAttributes?.scheduledEventId ?? e.activityTaskFailedEventAttributes?.scheduledEventId)
      .filter((id) => id != null)
      .map(String),
  );
  const running = events.filter((e) => e.activityTaskScheduledEventAttributes && before(e) && !finished.has(String(e.eventId)));
  const scheduled = running.filter((e) => PATCHING_ACTIVITIES.has(e.activityTaskScheduledEventAttributes?.activityType?.name ?? '')).at(-1) ?? running.at(-1);
  const a = scheduled?.activityTaskScheduledEventAttributes;
  return {
    activity: a?.activityType?.name ?? 'unknown',
    timeoutMs: optionalTsToMs(a?.heartbeatTimeout) || optionalTsToMs(a?.startToCloseTimeout) || 0,
    retryIntervalMs: optionalTsToMs(a?.retryPolicy?.initialInterval) ?? 0,
  };
}

/** Kill while the fake ServiceNow holds a PATCH open; restart at once; time until the activity is retried. */
async function killMidActivity(ctx: FigureContext) {
  const { servicenow } = ctx.stack;
  resetFakes(ctx.stack, ctx.watch);
  servicenow.faults.add('PATCH incident', { hang: true, times: 1 });
  const incident = runIncident(ctx.stack, ctx.watch, { via: 'business-rule', timeoutMs: 180_000 });
  const held = await until(() => servicenow.requests.find((r) => r.method === 'PATCH'), 60_000, 'the PATCH to hold');
  const killAt = Date.now();
  await ctx.stack.killWorker();
  const restart = await ctx.stack.restartWorker();
  const retried = await until(() => servicenow.requests.find((r) => r.method === 'PATCH' && r.path === held.path && r.at > killAt), 120_000, 'the retried PATCH');
  const run: IncidentRun = await incident;
  const { activity, timeoutMs, retryIntervalMs } = await inFlightActivity(ctx, incidentWorkflowId(run.number), killAt);
  const notes = servicenow.incident(run.number)?.work_notes ?? [];
  return {
    incident: run.number,
    activity,
    stallMs: retried.at - killAt,
    heldForMs: killAt - held.at,
    timeoutMs,
    retryIntervalMs,
    coldStartMs: restart.coldStartMs,
    /** The plan's bound: max(activity timeout, sticky timeout) + worker cold start. */
    planBoundMs: Math.max(timeoutMs, STICKY_TIMEOUT_MS) + restart.coldStartMs,
    /** The tight one: the held attempt times out, waits its retry interval; the restart overlaps. */
    tightBoundMs: Math.max(held.at + timeoutMs + retryIntervalMs - killAt, restart.coldStartMs),
    resolvedTransitions: servicenow.transitions.filter((t) => t.number === run.number && t.to === '6').length,
    threadNotes: notes.filter((n) => n.includes('opened a Slack thread')).length,
    rootPosts: ctx.stack.slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.args.thread_ts && String(c.args.text).startsWith(run.number)).length,
    totalMs: run.totalMs,
  };
}

/** Kill while an incident awaits its decision; restart; click Approve and time the answer and the resolution. */
async function killWhileParked(ctx: FigureContext) {
  resetFakes(ctx.stack, ctx.watch);
  const parked = await runIncident(ctx.stack, ctx.watch, { via: 'business-rule', park: true, timeoutMs: 60_000 });
  const button = await ctx.watch.approval(parked.number, 1_000);
  const killAt = Date.now();
  await ctx.stack.restartWorker();
  const click = await sendButtonClick(ctx.stack.apiUrl, ctx.stack.signingSecret, {
    userId: ctx.stack.approverId,
    actionId: button.actionId,
    value: button.value,
    channelId: button.channel,
    messageTs: '1700000000.000001',
    responseUrl: ctx.stack.slack.newResponseUrl(),
  });
  await withTimeout(ctx.stack.client.workflow.getHandle(incidentWorkflowId(parked.number)).result(), 120_000, `${parked.number} to complete`);
  return { incident: parked.number, clickAckMs: click.ms, clickStatus: click.status, killToResolvedMs: Date.now() - killAt };
}

/** Cold start of the worker entry point with a pre-built bundle (what the < 2 s cold-start target assumes). */
async function prebundledColdStart(ctx: FigureContext): Promise<number> {
  const { child, coldStartMs } = await ctx.stack.startWorker('worker-prebundled', { TEMPORAL_TASK_QUEUE: 'bench-cold-start', OPSLOOP_WORKFLOW_BUNDLE: ctx.bundles.opsloop.path });
  await child.stop();
  return coldStartMs;
}

/**
 * F6: recovery after SIGKILL of the worker (i) while the fake ServiceNow holds a PATCH open, (ii) while an incident
 * awaits its decision; the stall against the bound the timeouts in history imply; and the worker's cold start,
 * as shipped (it bundles the workflows at start) and with a pre-built bundle.
 */
export async function f6Recovery(ctx: FigureContext): Promise<FigureResult> {
  const mid = await killMidActivity(ctx);
  ctx.log(`  F6 kill mid-${mid.activity}: stall ${mid.stallMs} ms (bound ${mid.planBoundMs} ms), cold start ${mid.coldStartMs} ms`);
  const parked = ctx.config.f6.parkedKill ? await killWhileParked(ctx) : undefined;
  const asShipped = [mid.coldStartMs];
  const prebundled: number[] = [];
  for (let i = 0; i < ctx.config.f6.coldStarts; i++) {
    if (i > 0) asShipped.push((await ctx.stack.restartWorker()).coldStartMs);
    prebundled.push(await prebundledColdStart(ctx));
  }
  resetFakes(ctx.stack, ctx.watch);
  const nothingLost = mid.resolvedTransitions === 1 && mid.threadNotes === 1 && mid.rootPosts === 1;
  const rows: Row[] = [
    {
      measure: `stall after kill -9 mid-activity (${mid.activity}, PATCH held)`,
      opsloop: millis(mid.stallMs),
      baselines: `bound ${millis(mid.planBoundMs)} (max(${mid.timeoutMs / 1000} s timeout, ${STICKY_TIMEOUT_MS / 1000} s sticky) + cold start); tight ${millis(mid.tightBoundMs)}`,
      ratios: num(mid.stallMs / mid.planBoundMs),
      target: 'stall ≤ bound + 1 s',
      met: mid.stallMs <= mid.planBoundMs + 1_000,
    },
    {
      measure: 'side effects after that kill',
      opsloop: `resolved ${mid.resolvedTransitions}× · thread work note ${mid.threadNotes}× · root post ${mid.rootPosts}×`,
      target: 'each exactly once',
      met: nothingLost,
    },
  ];
  if (parked) {
    rows.push({
      measure: 'kill -9 while awaiting decision, then Approve',
      opsloop: `click answered in ${millis(parked.clickAckMs)} (HTTP ${parked.clickStatus}); resolved ${millis(parked.killToResolvedMs)} after the kill`,
      baselines: `sticky timeout ${STICKY_TIMEOUT_MS / 1000} s`,
      target: `answer < ${SLACK_DEADLINE_MS / 1000} s`,
      met: parked.clickAckMs < SLACK_DEADLINE_MS && parked.clickStatus === 200,
    });
  }
  rows.push({
    measure: 'worker cold start (spawn → polling), median',
    opsloop: `${millis(median(asShipped))} as shipped (bundles at start)`,
    baselines: `pre-built bundle ${millis(median(prebundled))}`,
    ratios: num(median(asShipped) / median(prebundled)),
    target: `< ${COLD_START_TARGET_MS / 1000} s with a pre-built bundle`,
    met: median(prebundled) < COLD_START_TARGET_MS,
  });
  return {
    id: 'F6',
    title: 'Recovery after worker SIGKILL',
    rows,
    data: { midActivity: mid, parked, coldStartMs: { asShipped, prebundled } },
    notes: [
      'The worker is restarted immediately after the kill; stall = kill → the fake ServiceNow receiving the retried PATCH.',
      'Cold start is measured from spawn to the server seeing the new worker poll its task queue (DescribeTaskQueue), through tsx as `npm run worker` runs it.',
    ],
  };
}
