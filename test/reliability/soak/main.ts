import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { incidentWorkflowId } from '../../../src/contracts/workflow-ids';
import type { FakeServiceNow } from '../../../src/sandbox/fake-servicenow';
import type { FakeSlack } from '../../../src/sandbox/fake-slack';
import { check, type Verdict } from '../checker';
import { Ledger } from '../ledger';
import { runChaos, settleProgress, type Disruption } from './chaos';
import { driveIncident, planFor, type Driver } from './incident';
import { incidentTimeline } from './evidence';
import { buildReport, reportMarkdown } from './report';
import { clusterTarget, devServerTarget, type SoakTarget } from './targets';
import { FakesWatch } from './watch';

/**
 * `npm run soak [-- --incidents N --concurrency C] [-- --cluster]` (also SOAK_INCIDENTS, SOAK_CONCURRENCY): thousands
 * of incidents through the real API and worker with faults at the fakes and SIGKILLs on a schedule; the checker's
 * report is the verdict (exit 0 only with no violation). On its own dev server (three worker SIGKILLs, one dev-server
 * kill -9; writes test/reliability/soak/LAST_RUN.md) or, with `--cluster`, on a multi-process Temporal cluster on
 * PostgreSQL with two API replicas and two workers (SIGKILLs of both workers, an API replica, matching and history;
 * writes LAST_RUN_CLUSTER.md).
 */
const args = process.argv.slice(2);
const option = (name: string, env: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  const raw = i >= 0 ? args[i + 1] : (args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? process.env[env]);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${raw}`);
  return value;
};
const INCIDENTS = option('incidents', 'SOAK_INCIDENTS', 2000);
const CONCURRENCY = option('concurrency', 'SOAK_CONCURRENCY', 24);
/** Incidents ServiceNow raises while Temporal is down (their webhooks must get 503 until it is back). */
const OUTAGE_ARRIVALS = 5;
const ON_CLUSTER = args.includes('--cluster');
const REPORT_FILE = join(__dirname, ON_CLUSTER ? 'LAST_RUN_CLUSTER.md' : 'LAST_RUN.md');
const log = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Faults at the fakes, per request: with some six Slack and four ServiceNow calls per incident, about one incident
 * in four meets at least one (the report counts the share actually hit).
 */
function armFaults(stack: { slack: FakeSlack; servicenow: FakeServiceNow }): void {
  for (const method of ['chat.postMessage', 'chat.update']) {
    stack.slack.faults.add(method, { status: 429, retryAfterSeconds: 1, probability: 0.01 });
    stack.slack.faults.add(method, { status: 503, probability: 0.005 });
    stack.slack.faults.add(method, { status: 500, probability: 0.003 });
  }
  stack.slack.faults.add('*', { delayMs: 400, probability: 0.005 });
  for (const route of ['GET incident', 'PATCH incident']) {
    stack.servicenow.faults.add(route, { status: 503, probability: 0.015 });
    stack.servicenow.faults.add(route, { status: 429, retryAfterSeconds: 1, probability: 0.01 });
    stack.servicenow.faults.add(route, { delayMs: 800, probability: 0.01 });
  }
}

let target: SoakTarget | undefined;
/** Child processes we started, killed with SIGKILL if the driver exits without closing them (a crash, a signal). */
process.on('exit', () => {
  for (const pid of target?.pids() ?? []) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

let closing: Promise<void> | undefined;
let stopping = false;
const close = (): Promise<void> =>
  (closing ??= (async () => {
    stopping = true;
    await target?.close();
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`soak: ${signal}, stopping the APIs, workers and Temporal`);
    const timer = setTimeout(() => process.exit(130), 60_000);
    void close().finally(() => {
      clearTimeout(timer);
      process.exit(130);
    });
  });
}

async function main(): Promise<number> {
  target = await (ON_CLUSTER ? clusterTarget(log) : devServerTarget(log));
  const t = target;
  const s = t.stack;
  log(`soak: ${INCIDENTS} incidents, ${CONCURRENCY} in flight; ${t.description}`);
  armFaults(s);

  const ledger = new Ledger(s.apiUrl);
  const watch = new FakesWatch(s.slack, s.servicenow);
  const driver: Driver = { stack: s, ledger, watch, stopping: () => stopping };
  const numbers: string[] = [];
  const plans = Array.from({ length: INCIDENTS }, (_, i) => planFor(i));
  const problems: string[] = [];
  const disruptions: Disruption[] = [];
  let finished = false;
  const resolvedCount = () => numbers.filter((n) => watch.resolvedAt.has(n)).length;

  const startedAt = Date.now();
  const progress = setInterval(() => log(`soak: ${resolvedCount()} of ${INCIDENTS} resolved, ${ledger.entries.length} requests, ${Math.round((Date.now() - startedAt) / 1000)} s`), 15_000);
  // Incidents are handed out in order, CONCURRENCY at a time; ServiceNow also raises a few during the outage.
  let next = 0;
  const claim = () => (next < INCIDENTS && !stopping ? next++ : undefined);
  const runOne = async (i: number) => {
    let number: string | undefined;
    await driveIncident(driver, plans[i]!, (n) => {
      number = n;
      numbers.push(n);
    }).catch((err: unknown) => problems.push(`driver: incident ${i} (${number ?? 'not created'}): ${err instanceof Error ? err.message : String(err)}`));
  };
  const extra: Promise<void>[] = [];
  const duringOutage = () => {
    for (let k = 0; k < OUTAGE_ARRIVALS; k++) {
      const i = claim();
      if (i !== undefined) extra.push(runOne(i));
    }
  };
  // Caught at once: a restart that fails (a process that exits on start) is a finding for the report, not a crash of the driver.
  const chaos = runChaos({ schedule: t.schedule, total: INCIDENTS, resolved: () => watch.resolvedAt.size, done: () => finished || stopping, duringOutage, log }, disruptions).catch((err: unknown) => {
    problems.push(`driver: the chaos schedule failed: ${err instanceof Error ? err.message : String(err)}`);
  });
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, INCIDENTS) }, async () => {
      for (let i = claim(); i !== undefined; i = claim()) await runOne(i);
    }),
  );
  await Promise.all(extra);
  finished = true;
  await chaos;
  clearInterval(progress);
  const endedAt = Date.now();
  log(`soak: driving done in ${Math.round((endedAt - startedAt) / 1000)} s; ${disruptions.length} disruption(s); ${s.output.length} log lines; checking…`);

  if (disruptions.length < t.schedule.length) {
    problems.push(`driver: only ${disruptions.length} of ${t.schedule.length} disruptions happened (${disruptions.map((d) => d.kind).join(', ') || 'none'}): the run was too short or stalled`);
  }
  // While Temporal was down nothing may be acknowledged: every request sent and answered in the outage was refused.
  const outage = disruptions.find((d) => d.outage);
  const outageWindow = outage && { from: outage.downAt, to: outage.restartAt };
  if (outage && outageWindow) {
    const down = `while ${outage.kind.replace(/ (SIGKILL|kill -9)$/, '')} was down`;
    for (const e of ledger.entries.filter((e) => e.sentAt >= outageWindow.from && e.sentAt + e.ms <= outageWindow.to)) {
      if (e.route.startsWith('/webhooks/') && e.status >= 200 && e.status < 300) problems.push(`#${e.seq} ${e.route}: answered ${e.status} ${down}`);
      if (e.route === '/slack/commands' && /Resolving/.test(e.answer)) problems.push(`#${e.seq} ${e.route}: acknowledged ${down}`);
    }
  }

  const checkStarted = Date.now();
  const incidents = Object.fromEntries(numbers.map((n) => [n, { threads: 1, resolved: 1 }]));
  const verdict: Verdict = await check(ledger, t.world(), { incidents, workflows: Object.fromEntries(numbers.map((n) => [incidentWorkflowId(n), 'COMPLETED'])), settleMs: 120_000 });
  settleProgress(disruptions, watch);
  const report = buildReport({
    startedAt,
    endedAt,
    planned: INCIDENTS,
    concurrency: CONCURRENCY,
    numbers,
    plans,
    entries: ledger.entries,
    verdict,
    checkerMs: Date.now() - checkStarted,
    extraViolations: problems,
    outage: outageWindow,
    outageKind: outage?.kind,
    slackFaults: s.slack.faults.applied,
    serviceNowFaults: s.servicenow.faults.applied,
    servicenow: s.servicenow,
    slack: s.slack,
    watch,
    disruptions,
  });
  const named = [...new Set(report.violations.list.flatMap((v) => v.match(/INC\d+/g) ?? []))].slice(0, 10);
  for (const number of named) {
    report.evidence[number] = await incidentTimeline(number, { client: s.client, servicenow: s.servicenow, serviceNowFaults: s.servicenow.faults, disruptions, startedAt });
  }
  const markdown = reportMarkdown(report, `npm run soak -- --incidents ${INCIDENTS} --concurrency ${CONCURRENCY}${ON_CLUSTER ? ' --cluster' : ''}`, t.description);
  writeFileSync(REPORT_FILE, markdown);
  log(markdown.slice(0, markdown.indexOf('## Report (JSON)')));
  log(`soak: report written to ${REPORT_FILE}`);
  return report.verdict === 'PASS' ? 0 : 1;
}

main()
  .then(async (code) => {
    await close();
    process.exit(code);
  })
  .catch(async (err: unknown) => {
    log(`soak: failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await close();
    process.exit(2);
  });
