import type { AuditEvent } from '../../src/contracts/audit';
import { sendSlashCommand } from '../../src/sandbox/slack-requests';
import { durationsLine, formatRow } from '../../src/timeline/render';
import { rowOf, timelineOf } from '../../src/timeline/timeline';
import { click, decisionMessage, incidentResult, openIncident, rootMessages, threadReplies } from '../helpers/incident-loop';
import { startStack, type Stack } from '../helpers/stack';
import { APPROVERS } from '../helpers/test-policy';

const [APPROVER] = APPROVERS as [string];
const TIMELINE_MARKER = '[OpsLoop timeline incident/';

/** The ticket's timeline work notes (a retry or a replay must never add a second). */
const timelineNotes = (stack: Stack, number: string) => stack.servicenow.incident(number)!.work_notes.filter((n) => n.startsWith(TIMELINE_MARKER));

/** The rows of a timeline note: every line after the blank one that ends its header. */
const noteRows = (note: string) => note.split('\n').slice(note.split('\n').indexOf('') + 1);

/** The thread's timeline summaries. */
const summaries = (stack: Stack, number: string) => threadReplies(stack, rootMessages(stack, number)[0]!).filter((m) => m.text.startsWith(':stopwatch: *Timeline of'));

/** What `/ops timeline` answers a viewer, signed as Slack signs it: its text and the rows of its code block, unescaped. */
async function opsTimeline(stack: Stack, number: string) {
  const answer = await sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text: `timeline ${number}`, userId: 'U0VIEWER', channelId: 'C0INCIDENTS', responseUrl: stack.slack.newResponseUrl() });
  expect(answer.status).toBe(200);
  const { text } = answer.body as { text: string };
  const rows = text
    .slice(text.indexOf('```\n') + 4, text.lastIndexOf('\n```'))
    .split('\n')
    .map((r) => r.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  return { text, rows };
}

/** The incident's whole audit trail, as the store keeps it, in the timeline's row format. */
const auditRows = (events: AuditEvent[]) => events.map((e) => formatRow(rowOf(e)));

describe("the incident's timeline: one work note and one thread summary per run, and /ops timeline, all from the audit trail", () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  it('writes the timeline of an approved and resolved incident once, with the same rows as its audit trail and /ops timeline', async () => {
    stack = await startStack();
    // A signed ServiceNow webhook opens it (the Business Rule as generated with --skip-user).
    const number = openIncident(stack, { short_description: 'Checkout API latency above 2 s', cmdb_ci: 'checkout-api' }, { skipUser: stack.businessRule.skipUser });
    expect((await click(stack, await decisionMessage(stack, number), 'approve', APPROVER)).status).toBe(200);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved' });

    const trail = await stack.audit.list({ incidentNumber: number });
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(['investigate', 'findings', 'decide', 'approval-outcome', 'resolve', 'investigation-outcome']));
    const notes = timelineNotes(stack, number);
    expect(notes).toHaveLength(1);
    expect(noteRows(notes[0]!)).toEqual(auditRows(trail));
    const timeline = timelineOf(number, trail)!;
    expect(timeline.durations.toFindings).toBeGreaterThan(0);
    expect(timeline.durations.toDecision).toBeGreaterThan(timeline.durations.toFindings!);
    expect(timeline.durations.toResolve).toBeGreaterThanOrEqual(timeline.durations.toDecision!);
    // The header says the outcome and durations, and links the thread and the run.
    const root = rootMessages(stack, number)[0]!;
    expect(notes[0]).toContain(`(outcome: resolved)\n${durationsLine(timeline.durations)}\n`);
    expect(notes[0]).toContain(`Slack thread: ${stack.slack.url}/archives/C0INCIDENTS/p${root.ts.replace('.', '')}`);
    expect(notes[0]).toMatch(/OpsLoop run: http\S+\/workflows\/incident%2FINC\d+\/[0-9a-f-]{36}/);

    const posted = summaries(stack, number);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toContain(durationsLine(timeline.durations));

    const shown = await opsTimeline(stack, number);
    expect(shown.rows).toEqual(auditRows(trail));
    expect(shown.text).toContain(durationsLine(timeline.durations));
    // Reading the timeline writes nothing to the trail.
    expect(await stack.audit.list({ incidentNumber: number })).toHaveLength(trail.length);
  });

  it('writes it once when ServiceNow and Slack took the writes but their answers were lost, for a rejected incident', async () => {
    stack = await startStack();
    const number = openIncident(stack, { short_description: 'Payments API errors' });
    const decision = await decisionMessage(stack, number);
    // From here on the ticket gets two notes (the decision, the timeline) and the thread two replies (the outcome, the summary).
    stack.servicenow.faults.add('PATCH incident answer', { dropResponse: true, times: 2 });
    stack.slack.faults.add('chat.postMessage reply answer', { dropResponse: true, times: 2 });
    await click(stack, decision, 'reject', APPROVER);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'rejected' });
    expect(stack.servicenow.faults.applied.filter((f) => f.route === 'PATCH incident answer')).toHaveLength(2);
    expect(stack.slack.faults.applied.filter((f) => f.route === 'chat.postMessage reply answer')).toHaveLength(2);

    const trail = await stack.audit.list({ incidentNumber: number });
    const notes = timelineNotes(stack, number);
    expect(notes).toHaveLength(1);
    expect(noteRows(notes[0]!)).toEqual(auditRows(trail));
    expect(notes[0]).toContain('(outcome: rejected)');
    expect(notes[0]).toMatch(/time to decision: \d+s · time to resolve: —/);
    expect(summaries(stack, number)).toHaveLength(1);
    expect((await opsTimeline(stack, number)).rows).toEqual(auditRows(trail));
  });

  it('says "—" for the decision and the resolution of an expired incident', async () => {
    stack = await startStack({ env: { OPSLOOP_APPROVAL_EXPIRY_MS: '1500', OPSLOOP_APPROVAL_REMINDER_MS: '60000' } });
    const number = openIncident(stack, { short_description: 'Disk filling on fileserver-02' });
    await decisionMessage(stack, number);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'expired' });
    const trail = await stack.audit.list({ incidentNumber: number });
    const notes = timelineNotes(stack, number);
    expect(notes).toHaveLength(1);
    expect(noteRows(notes[0]!)).toEqual(auditRows(trail));
    expect(notes[0]).toMatch(/Time to findings: \d+s · time to decision: — · time to resolve: —/);
    expect(summaries(stack, number)).toHaveLength(1);
  });

  it('answers /ops timeline for an incident OpsLoop never investigated without inventing one', async () => {
    stack = await startStack();
    const { text } = await opsTimeline(stack, 'INC0010002');
    expect(text).toBe('No investigation of INC0010002 in the audit trail.');
  });
});
