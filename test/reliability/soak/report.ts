import type { AppliedFault } from '../../../src/sandbox/faults';
import type { FakeServiceNow } from '../../../src/sandbox/fake-servicenow';
import type { FakeSlack } from '../../../src/sandbox/fake-slack';
import type { Verdict } from '../checker';
import type { Entry } from '../ledger';
import type { Disruption } from './chaos';
import type { FakesWatch } from './watch';

export type ViolationClass = 'lost' | 'duplicated' | 'unexpected failure' | 'other';

/**
 * Sorts the checker's violations (plain sentences) into the three kinds a durable loop must never show (lost,
 * duplicated, unexpected failure); anything else is "other".
 */
export function classify(violation: string): ViolationClass {
  if (/not in any history|expected accepted, found 0|never started|resolved 0 time|: 0 Slack thread root|driver:/.test(violation)) return 'lost';
  if (/kept \d+ times|ran \d+ times|accepted \d+ times|resolved [2-9]\d* time|: [2-9]\d* Slack thread root|written \d+ times|competing decisions/.test(violation)) return 'duplicated';
  if (/FAILED|TERMINATED|TIMED_OUT|CANCELED|RUNNING|failed workflow task|answered [45]\d\d|refused .* but found|while .* was down/.test(violation)) return 'unexpected failure';
  return 'other';
}

/** The incident a fault hit, from the request it was applied to (ServiceNow: the sys_id; Slack: the text or thread). */
function incidentOf(f: AppliedFault, watch: FakesWatch, bySysId: Map<string, string>): string | undefined {
  const sysId = /\/incident\/([0-9a-f]{32})$/.exec(f.path)?.[1];
  if (sysId) return bySysId.get(sysId);
  const body = (f.body ?? {}) as Record<string, unknown>;
  const text = typeof body.text === 'string' ? /^(INC\d+) ·/.exec(body.text)?.[1] : undefined;
  const ts = [body.thread_ts, body.ts].find((v): v is string => typeof v === 'string');
  return text ?? (ts ? watch.incidentOfTs.get(ts) : undefined);
}

const kindOf = (side: string, f: AppliedFault): string =>
  `${side} ${f.route} ${f.fault.status !== undefined ? `${f.fault.status}${f.fault.retryAfterSeconds !== undefined ? ` (Retry-After ${f.fault.retryAfterSeconds})` : ''}` : `delay ${f.fault.delayMs} ms`}`;

export interface SoakReport {
  verdict: 'PASS' | 'FAIL';
  startedAt: string;
  durationS: number;
  incidents: { planned: number; created: number; resolved: number; duplicateWebhooks: number; doubleClicks: number; slashResolves: number };
  concurrency: number;
  throughputPerMin: number;
  requests: { sent: number; acknowledged: number; byStatus: Record<string, number>; outage: string | null; duringOutage: Record<string, number>; outageLog: string[] };
  /** Calls the worker made to the fakes (by Slack method and ServiceNow verb), faulted ones included. */
  fakeCalls: Record<string, number>;
  runsChecked: number;
  checkerS: number;
  faults: { injected: number; byKind: Record<string, number>; incidentsHit: number; incidentsHitShare: number };
  disruptions: { kind: string; afterResolved: number; downMs: number; backAfterMs: number; recoveryMs: number | null }[];
  violations: Record<ViolationClass, number> & { total: number; list: string[] };
  /** Timelines of (up to ten) incidents the violations name. */
  evidence: Record<string, string[]>;
}

export function buildReport(input: {
  startedAt: number;
  endedAt: number;
  planned: number;
  concurrency: number;
  numbers: string[];
  plans: { duplicateWebhook: boolean; doubleClick: boolean; slashResolve: boolean }[];
  entries: readonly Entry[];
  verdict: Verdict;
  checkerMs: number;
  extraViolations: string[];
  outage: { from: number; to: number } | undefined;
  /** What was down in the outage (the dev server, history). */
  outageKind: string | undefined;
  slackFaults: readonly AppliedFault[];
  serviceNowFaults: readonly AppliedFault[];
  servicenow: FakeServiceNow;
  slack: FakeSlack;
  watch: FakesWatch;
  disruptions: Disruption[];
}): SoakReport {
  const bySysId = new Map(input.servicenow.incidents().map((i) => [i.sys_id, i.number]));
  const faults = [...input.slackFaults.map((f) => ({ f, side: 'Slack' })), ...input.serviceNowFaults.map((f) => ({ f, side: 'ServiceNow' }))];
  const byKind: Record<string, number> = {};
  for (const { f, side } of faults) byKind[kindOf(side, f)] = (byKind[kindOf(side, f)] ?? 0) + 1;
  const ours = new Set(input.numbers);
  const hit = new Set(faults.map(({ f }) => incidentOf(f, input.watch, bySysId)).filter((n): n is string => n !== undefined && ours.has(n)));

  const duringOutage = input.outage ? input.entries.filter((e) => e.sentAt >= input.outage!.from && e.sentAt <= input.outage!.to) : [];
  const outageLabel = (e: Entry) => `${e.route} ${e.status}${e.sentAt + e.ms > input.outage!.to ? ' (answered after the restart began)' : ''}`;
  const list = [...input.verdict.violations, ...input.extraViolations];
  const classes = count(list.map(classify)) as Partial<Record<ViolationClass, number>>;
  const durationS = (input.endedAt - input.startedAt) / 1000;
  const resolved = input.numbers.filter((n) => input.watch.resolvedAt.has(n)).length;

  return {
    verdict: list.length === 0 ? 'PASS' : 'FAIL',
    startedAt: new Date(input.startedAt).toISOString(),
    durationS: Math.round(durationS),
    incidents: {
      planned: input.planned,
      created: input.numbers.length,
      resolved,
      duplicateWebhooks: input.plans.filter((p) => p.duplicateWebhook).length,
      doubleClicks: input.plans.filter((p) => p.doubleClick && !p.slashResolve).length,
      slashResolves: input.plans.filter((p) => p.slashResolve).length,
    },
    concurrency: input.concurrency,
    throughputPerMin: Math.round((resolved / durationS) * 60 * 10) / 10,
    requests: {
      sent: input.verdict.requests,
      acknowledged: input.verdict.acknowledged,
      byStatus: count(input.entries.map((e) => String(e.status))),
      outage: input.outageKind ?? null,
      duringOutage: count(duringOutage.map(outageLabel)),
      outageLog: duringOutage.slice(0, 40).map((e) => `#${e.seq} sent +${e.sentAt - input.outage!.from} ms, answered after ${e.ms} ms: ${e.route} ${e.status}`),
    },
    fakeCalls: {
      ...count([...input.slack.calls.map((c) => `Slack ${c.method}`), ...input.servicenow.requests.map((r) => `ServiceNow ${r.method}`)]),
      ...count(faults.map(({ f, side }) => `${side} ${f.route} (faulted)`)),
    },
    runsChecked: input.verdict.runs,
    checkerS: Math.round(input.checkerMs / 1000),
    faults: { injected: faults.length, byKind, incidentsHit: hit.size, incidentsHitShare: Math.round((hit.size / Math.max(1, input.numbers.length)) * 1000) / 10 },
    disruptions: input.disruptions.map((d) => ({
      kind: d.kind,
      afterResolved: d.afterResolved,
      downMs: d.restartAt - d.at,
      backAfterMs: d.backAt - d.restartAt,
      recoveryMs: d.progressAt === undefined ? null : d.progressAt - d.at,
    })),
    violations: { lost: classes.lost ?? 0, duplicated: classes.duplicated ?? 0, 'unexpected failure': classes['unexpected failure'] ?? 0, other: classes.other ?? 0, total: list.length, list },
    evidence: {},
  };
}

function count(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

const table = (head: string[], rows: (string | number)[][]): string =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

export function reportMarkdown(r: SoakReport, commandLine: string, where: string): string {
  const kinds = count(r.disruptions.map((d) => d.kind));
  const v = r.violations;
  const lines = [
    '# Soak: last run',
    '',
    `Generated by \`${commandLine}\` (test/reliability/soak/main.ts); do not edit by hand. Started ${r.startedAt} on ${where}.`,
    '',
    `**Verdict: ${r.verdict}** — ${v.lost} lost, ${v.duplicated} duplicated, ${v['unexpected failure']} unexpected failures, ${v.other} other violations.`,
    '',
    table(
      ['figure', 'value'],
      [
        ['incidents (created / resolved)', `${r.incidents.created} / ${r.incidents.resolved} (planned ${r.incidents.planned})`],
        ['duplicate webhooks · double clicks · `/ops resolve`', `${r.incidents.duplicateWebhooks} · ${r.incidents.doubleClicks} · ${r.incidents.slashResolves}`],
        ['requests sent / acknowledged', `${r.requests.sent} / ${r.requests.acknowledged}`],
        ['faults injected (incidents hit)', `${r.faults.injected} (${r.faults.incidentsHit}, ${r.faults.incidentsHitShare} %)`],
        ['disruptions', Object.entries(kinds).map(([kind, n]) => `${kind} × ${n}`).join(' · ') || 'none'],
        ['duration', `${r.durationS} s (checker ${r.checkerS} s over ${r.runsChecked} runs)`],
        ['throughput', `${r.throughputPerMin} incidents/min at ${r.concurrency} in flight`],
      ],
    ),
    '',
    '## Faults injected, by kind',
    '',
    table(['fault', 'count'], Object.entries(r.faults.byKind).sort(([a], [b]) => a.localeCompare(b))),
    '',
    '## Disruptions and recoveries',
    '',
    'Down = from the kill to the restart; back = from the restart until the process served again; recovery = from the kill to the first ticket resolved after it was back.',
    '',
    table(
      ['disruption', 'after resolved', 'down (ms)', 'back (ms)', 'recovery (ms)'],
      r.disruptions.map((d) => [d.kind, d.afterResolved, d.downMs, d.backAfterMs, d.recoveryMs ?? 'none']),
    ),
    '',
    '## Requests',
    '',
    `Calls at the fakes: ${Object.entries(r.fakeCalls).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`).join(', ')}.`,
    '',
    `By status: ${Object.entries(r.requests.byStatus).map(([s, n]) => `${s}: ${n}`).join(', ')}.`,
    `Sent while ${r.requests.outage?.replace(/ (SIGKILL|kill -9)$/, '') ?? 'Temporal'} was down: ${Object.entries(r.requests.duringOutage).map(([s, n]) => `${s}: ${n}`).join(', ') || 'none'}.`,
    ...(r.requests.outageLog.length > 0 ? ['', '```', ...r.requests.outageLog, '```'] : []),
    '',
    '## Violations',
    '',
    v.list.length === 0 ? 'None.' : v.list.slice(0, 200).map((x) => `- ${x}`).join('\n'),
    '',
    ...Object.entries(r.evidence).flatMap(([number, lines]) => [`### Evidence: ${number} (seconds since the start)`, '', '```', ...lines, '```', '']),
    '## Report (JSON)',
    '',
    '```json',
    JSON.stringify({ ...r, violations: { ...v, list: v.list.slice(0, 200) } }, null, 2),
    '```',
    '',
  ];
  return lines.join('\n');
}
