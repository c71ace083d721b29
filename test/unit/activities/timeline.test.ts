import { MockActivityEnvironment } from '@temporalio/testing';
import { createTimelineActivities, type TimelineActivityDeps } from '../../../src/activities/timeline';
import type { AuditEvent } from '../../../src/contracts/audit';

const INC = 'INC0010077';
const WF = `incident/${INC}`;
const RUN = '6d1c2f7e-0000-4000-8000-000000000001';
const input = { incidentNumber: INC, sysId: 'sys-77', thread: { channel: 'C0INCIDENTS', ts: '1700000000.000100' }, threadUrl: 'https://slack.example/archives/C0INCIDENTS/p1700000000000100', runUrl: 'http://ui/workflows/x' };

const TRAIL: AuditEvent[] = [
  { eventId: `${WF}/${RUN}/opened`, at: '2026-12-06T10:00:00.000Z', source: 'webhook', action: 'investigate', incidentNumber: INC, workflowId: WF, runId: RUN, result: 'accepted' },
  { eventId: `${WF}/${RUN}/outcome`, at: '2026-12-06T10:05:00.000Z', source: 'workflow', action: 'investigation-outcome', incidentNumber: INC, workflowId: WF, runId: RUN, result: 'expired' },
];

/** In-memory stand-ins for the three systems, recording what was written (the activity's deps are injected). */
function world(trail: AuditEvent[]) {
  const notes: string[] = [];
  const posts: { channel: string; text: string; threadTs?: string; postId?: unknown }[] = [];
  const permalinks: string[] = [];
  const deps: TimelineActivityDeps = {
    audit: { list: (q) => Promise.resolve(trail.filter((e) => e.incidentNumber === q.incidentNumber)) },
    servicenow: {
      getWorkNotes: () => Promise.resolve(notes.join('\n\n')),
      updateIncident: (_sysId, fields) => {
        notes.push(String(fields.work_notes));
        return Promise.resolve({} as never);
      },
    },
    slack: {
      postMessage: (channel, message) => {
        posts.push({ channel, text: message.text, threadTs: message.threadTs, postId: message.metadata?.event_payload.post_id });
        return Promise.resolve({ channel, ts: `1700000000.00020${posts.length}` });
      },
      findByMetadata: (channel, _type, _key, value) => Promise.resolve(posts.some((p) => p.postId === value) ? { channel, ts: '1700000000.000201' } : undefined),
      permalink: (channel, ts) => {
        permalinks.push(`${channel}/${ts}`);
        return Promise.resolve(`https://slack.example/archives/${channel}/p${ts.replace('.', '')}`);
      },
    },
  };
  return { deps, notes, posts, permalinks };
}

const attempt = (n: number) => new MockActivityEnvironment({ attempt: n, activityId: '42', workflowExecution: { workflowId: WF, runId: RUN } });

describe('writeIncidentTimeline', () => {
  it('writes one note and posts one summary, and a retry after both landed writes neither again', async () => {
    const w = world(TRAIL);
    const write = createTimelineActivities(w.deps).writeIncidentTimeline;
    await expect(attempt(1).run(write, input)).resolves.toEqual({ note: 'written', rows: 2 });
    await expect(attempt(2).run(write, input)).resolves.toEqual({ note: 'already-there', rows: 2 });

    expect(w.notes).toHaveLength(1);
    expect(w.notes[0]!.split('\n')[0]).toBe(`[OpsLoop timeline ${WF}/${RUN}] Timeline of ${INC} (outcome: expired)`);
    expect(w.notes[0]).toContain(`Slack thread: ${input.threadUrl}\nOpsLoop run: ${input.runUrl}`);
    expect(w.posts).toEqual([{ channel: 'C0INCIDENTS', threadTs: input.thread.ts, postId: `${RUN}/42`, text: expect.stringContaining('time to decision: — · time to resolve: —') }]);
    expect(w.permalinks).toEqual([]);
  });

  it('asks Slack for the thread link when the run does not know it', async () => {
    const w = world(TRAIL);
    await attempt(1).run(createTimelineActivities(w.deps).writeIncidentTimeline, { ...input, threadUrl: undefined });
    expect(w.permalinks).toEqual([`C0INCIDENTS/${input.thread.ts}`]);
    expect(w.notes[0]).toContain('Slack thread: https://slack.example/archives/C0INCIDENTS/p1700000000000100');
  });

  it('tells the metrics how the run ended and how long it took, with the route and priority the run passed', async () => {
    const w = world([...TRAIL.slice(0, 1), { ...TRAIL[0]!, eventId: 'findings', action: 'findings', at: '2026-12-06T10:01:30.000Z', result: 'completed' }, TRAIL[1]!]);
    const ended: unknown[] = [];
    const write = createTimelineActivities({ ...w.deps, metrics: { investigationEnded: (end) => void ended.push(end) } }).writeIncidentTimeline;
    await attempt(1).run(write, { ...input, route: 'payments', priority: '2', outcome: 'expired' });
    await attempt(1).run(write, input);
    expect(ended).toEqual([
      { route: 'payments', priority: '2', outcome: 'expired', durations: { toFindings: 90_000, toDecision: undefined, toResolve: undefined } },
      // A run scheduled before the metrics: the default route, an unknown priority, the outcome from the audit trail.
      { route: 'default', priority: 'unknown', outcome: 'expired', durations: { toFindings: 90_000, toDecision: undefined, toResolve: undefined } },
    ]);
  });

  it('writes nothing when the audit trail holds no start of this run', async () => {
    const w = world(TRAIL.map((e) => ({ ...e, runId: 'another-run', eventId: e.eventId.replace(RUN, 'another-run') })));
    await expect(attempt(1).run(createTimelineActivities(w.deps).writeIncidentTimeline, input)).resolves.toEqual({ note: 'no-timeline', rows: 0 });
    expect([w.notes, w.posts]).toEqual([[], []]);
  });
});
