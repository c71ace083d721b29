import type { AuditEvent } from '../../../src/contracts/audit';
import { durationsLine, formatDuration, formatRow, timelineForSlack, timelineNote, timelineThreadSummary } from '../../../src/timeline/render';
import { timelineOf } from '../../../src/timeline/timeline';

const INC = 'INC0010042';
const WF = `incident/${INC}`;
const RUN = 'run-2';

/** An audit row as src/workflows/audit-trail.ts writes them: `<workflow id>/<run id>/<label>`. */
const wf = (workflowId: string, runId: string, label: string, at: string, rest: Partial<AuditEvent> & Pick<AuditEvent, 'action' | 'result'>): AuditEvent => ({
  eventId: `${workflowId}/${runId}/${label}`,
  at,
  source: 'workflow',
  incidentNumber: INC,
  workflowId,
  runId,
  ...rest,
});

const api = (id: string, at: string, rest: Partial<AuditEvent> & Pick<AuditEvent, 'action' | 'result'>): AuditEvent => ({ eventId: `api/${id}`, at, source: 'slash-command', incidentNumber: INC, ...rest });

/** A previous run of the incident (reopened since), then this run: findings, a refused click, an approval, the resolution. */
const EVENTS: AuditEvent[] = [
  wf(WF, 'run-1', 'opened', '2026-12-01T09:00:00.000Z', { source: 'webhook', action: 'investigate', result: 'accepted' }),
  wf(WF, 'run-1', 'outcome', '2026-12-01T09:30:00.000Z', { action: 'investigation-outcome', result: 'resolved' }),
  wf(WF, RUN, 'opened', '2026-12-06T10:00:00.000Z', { source: 'webhook', action: 'investigate', result: 'accepted' }),
  wf(WF, RUN, 'findings', '2026-12-06T10:01:05.000Z', { action: 'findings', actorName: 'aws-devops-agent', result: 'completed', reason: 'agent task t-1' }),
  api('refused', '2026-12-06T10:02:00.000Z', { source: 'button', action: 'decide', decision: 'approve', actorId: 'U0INTRUDER', result: 'denied', reason: 'Only the approvers of this request may decide' }),
  wf(`${WF}/approval/1`, 'a-1', 'decision-1', '2026-12-06T10:03:00.000Z', { source: 'button', action: 'decide', decision: 'approve', actorId: 'U0APPROVER1', actorName: 'ana', text: 'go <!channel>', result: 'accepted' }),
  wf(`${WF}/approval/1`, 'a-1', 'outcome', '2026-12-06T10:03:00.500Z', { action: 'approval-outcome', decision: 'approved', actorId: 'U0APPROVER1', result: 'approved' }),
  wf(`${WF}/resolution`, 'r-1', 'request-0', '2026-12-06T10:04:30.000Z', { source: 'button', action: 'resolve', actorId: 'U0APPROVER1', result: 'resolved' }),
  wf(WF, RUN, 'outcome', '2026-12-06T10:04:31.000Z', { action: 'investigation-outcome', actorId: 'U0APPROVER1', result: 'resolved', reason: ':white_check_mark: INC0010042 resolved in ServiceNow after approval by <@U0APPROVER1>.' }),
  // After the run ended: not part of its timeline.
  api('later', '2026-12-06T11:00:00.000Z', { action: 'resolve', actorId: 'U0LATE', result: 'denied', reason: 'not allowed' }),
];

describe('timelineOf: one run of an incident from its audit trail', () => {
  it('takes every row from the run start to its outcome, in time order, whoever wrote it, in plain words', () => {
    const shuffled = [EVENTS[5]!, ...EVENTS.slice(0, 5), ...EVENTS.slice(6)];
    const timeline = timelineOf(INC, shuffled, RUN)!;
    expect(timeline).toMatchObject({ incidentNumber: INC, workflowId: WF, runId: RUN, outcome: 'resolved' });
    expect(timeline.rows).toEqual([
      { at: '2026-12-06T10:00:00.000Z', actor: 'OpsLoop', event: 'Investigation started; Slack thread opened' },
      { at: '2026-12-06T10:01:05.000Z', actor: 'aws-devops-agent', event: 'Findings received (agent task t-1)' },
      { at: '2026-12-06T10:02:00.000Z', actor: 'U0INTRUDER', event: 'Refused decide approve (Only the approvers of this request may decide)' },
      { at: '2026-12-06T10:03:00.000Z', actor: 'ana (U0APPROVER1)', event: 'Approved: "go <!channel>"' },
      { at: '2026-12-06T10:03:00.500Z', actor: 'U0APPROVER1', event: 'Decision: approved' },
      { at: '2026-12-06T10:04:30.000Z', actor: 'U0APPROVER1', event: 'Resolved in ServiceNow' },
      { at: '2026-12-06T10:04:31.000Z', actor: 'U0APPROVER1', event: 'Investigation ended: resolved in ServiceNow' },
    ]);
    expect(timeline.durations).toEqual({ toFindings: 65_000, toDecision: 180_500, toResolve: 270_000 });
  });

  it('without a run id, shows the latest run; with an earlier one, that run', () => {
    expect(timelineOf(INC, EVENTS)!.runId).toBe(RUN);
    const first = timelineOf(INC, EVENTS, 'run-1')!;
    expect(first.rows.map((r) => r.at)).toEqual(['2026-12-01T09:00:00.000Z', '2026-12-01T09:30:00.000Z']);
    expect(first.durations).toEqual({ toFindings: undefined, toDecision: undefined, toResolve: 30 * 60_000 });
  });

  it('leaves out milestones that did not happen: no findings, an expired decision, no resolution', () => {
    const events = [
      wf(WF, RUN, 'opened', '2026-12-06T10:00:00.000Z', { source: 'slash-command', action: 'investigate', actorId: 'U0OPS', result: 'accepted' }),
      wf(`${WF}/approval/1`, 'a-1', 'outcome', '2026-12-06T10:10:00.000Z', { action: 'approval-outcome', decision: 'expired', result: 'expired' }),
      wf(WF, RUN, 'outcome', '2026-12-06T10:10:01.000Z', { action: 'investigation-outcome', result: 'expired', reason: 'Nobody decided in time' }),
    ];
    const timeline = timelineOf(INC, events)!;
    expect(timeline.outcome).toBe('expired');
    expect(timeline.durations).toEqual({ toFindings: undefined, toDecision: undefined, toResolve: undefined });
    expect(timeline.rows.map((r) => r.event)).toEqual([
      'Investigation started on request; Slack thread opened',
      'Decision request expired without a decision',
      'Investigation ended: nobody decided in time; the incident was left unresolved',
    ]);
    expect(durationsLine(timeline.durations)).toBe('Time to findings: — · time to decision: — · time to resolve: —');
  });

  it('counts a rejection as the decision, and a run still going has no outcome and ends at the newest row', () => {
    const events = [
      wf(WF, RUN, 'opened', '2026-12-06T10:00:00.000Z', { source: 'webhook', action: 'investigate', result: 'accepted' }),
      wf(`${WF}/approval/1`, 'a-1', 'outcome', '2026-12-06T10:00:42.000Z', { action: 'approval-outcome', decision: 'escalated', result: 'escalated' }),
      wf(`${WF}/approval/2`, 'a-2', 'outcome', '2026-12-06T10:01:00.000Z', { action: 'approval-outcome', decision: 'rejected', result: 'rejected' }),
    ];
    const timeline = timelineOf(INC, events)!;
    expect(timeline.outcome).toBeUndefined();
    expect(timeline.rows).toHaveLength(3);
    expect(timeline.durations.toDecision).toBe(60_000);
  });

  it('has no timeline for an incident whose trail holds no investigation start, nor for another incident', () => {
    expect(timelineOf(INC, [EVENTS[4]!])).toBeUndefined();
    expect(timelineOf('INC0010043', EVENTS)).toBeUndefined();
    expect(timelineOf(INC, EVENTS, 'run-unknown')).toBeUndefined();
  });
});

describe('rendering a timeline', () => {
  const timeline = timelineOf(INC, EVENTS, RUN)!;

  it('says durations as people read them', () => {
    expect([undefined, 0, 999, 45_000, 65_000, 3_599_000, 3_600_000, 7_620_000].map(formatDuration)).toEqual(['—', '0s', '1s', '45s', '1m 05s', '59m 59s', '1h 00m', '2h 07m']);
  });

  it('writes the work note with the run marker first, the links, and one line per row', () => {
    const note = timelineNote(timeline, { thread: 'https://slack.example/archives/C1/p1', run: 'http://ui/workflows/x/run-2' });
    const lines = note.split('\n');
    expect(lines[0]).toBe(`[OpsLoop timeline ${WF}/${RUN}] Timeline of ${INC} (outcome: resolved)`);
    expect(lines[1]).toBe('Time to findings: 1m 05s · time to decision: 3m 01s · time to resolve: 4m 30s');
    expect(lines).toContain('Slack thread: https://slack.example/archives/C1/p1');
    expect(lines).toContain('OpsLoop run: http://ui/workflows/x/run-2');
    expect(lines.slice(lines.indexOf('') + 1)).toEqual(timeline.rows.map(formatRow));
    expect(formatRow(timeline.rows[0]!)).toBe('2026-12-06T10:00:00.000Z | OpsLoop | Investigation started; Slack thread opened');
  });

  it('posts a short thread summary with the same durations and the run link', () => {
    const summary = timelineThreadSummary(timeline, 'http://ui/run');
    expect(summary).toContain('Time to findings: 1m 05s · time to decision: 3m 01s · time to resolve: 4m 30s');
    expect(summary).toContain('<http://ui/run|');
    expect(summary).toContain(`/ops timeline ${INC}`);
  });

  it('shows the same rows in Slack, escaped so that nothing pings, within the limit it is given', () => {
    const text = timelineForSlack(timeline, 4000);
    const block = text.slice(text.indexOf('```\n') + 4, text.lastIndexOf('\n```'));
    expect(block.split('\n')).toEqual(timeline.rows.map((r) => formatRow(r).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')));
    expect(text).not.toContain('<!channel>');
    expect(text).toContain(durationsLine(timeline.durations));
  });

  it('shows the first rows that fit and counts the rest when the timeline is longer than the limit', () => {
    const many = { ...timeline, rows: Array.from({ length: 200 }, (_, i) => ({ at: `2026-12-06T10:${String(i % 60).padStart(2, '0')}:00.000Z`, actor: 'OpsLoop', event: `step ${i}` })) };
    const text = timelineForSlack(many, 4000);
    expect(text.length).toBeLessThanOrEqual(4000);
    const shown = text.split('\n').filter((l) => l.includes(' | OpsLoop | step ')).length;
    expect(shown).toBeGreaterThan(50);
    expect(text).toContain(`… ${200 - shown} more entries`);
    expect(text).toContain('| step 0\n');
  });
});
