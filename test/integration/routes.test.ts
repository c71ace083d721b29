import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import type { ReconcileInput, ReconcileResult } from '../../src/contracts/reconcile';
import { OpsRoute } from '../../src/contracts/search-attributes';
import { impactUrgencyFor } from '../../src/servicenow/priority';
import { sendSlashCommand } from '../../src/sandbox/slack-requests';
import type { Route } from '../../src/policy/route-schema';
import { buttonsOf, click, decisionMessage, incidentResult, rootMessages, threadReplies } from '../helpers/incident-loop';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { APPROVERS, testPolicy } from '../helpers/test-policy';

const PAYMENTS = 'C0PAYMENTS';
const DATABASE = 'C0DATABASE';
const PAY_APPROVER = 'U0PAYLEAD';
const DB_APPROVER = 'U0DBLEAD';

const routes: Route[] = [
  { name: 'payments', match: { assignmentGroups: ['Payments SRE'] }, channel: PAYMENTS, approvers: { users: [PAY_APPROVER], groups: [] }, investigateUpTo: '3' },
  { name: 'database', match: { assignmentGroups: ['database'] }, channel: DATABASE, approvers: { users: [DB_APPROVER], groups: [] }, investigateUpTo: '5' },
];

/**
 * The policy's routes, driven as in production: signed Business Rule webhooks and the reconcile read in, Slack threads
 * and button clicks, ServiceNow changes out.
 */
describe('routes: each incident goes to its route\'s channel and approvers', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      policy: testPolicy({ routes }),
      channels: [
        { id: PAYMENTS, name: 'payments-incidents', botIsMember: true },
        { id: DATABASE, name: 'database-incidents', botIsMember: true },
      ],
    });
    stack.servicenow.installBusinessRule(stack.businessRule);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const open = (group: string, priority: '1' | '2' | '3' | '4', short = `${group}: errors above 5%`) =>
    stack.servicenow.createIncident({ short_description: short, state: '2', assignment_group: group, ...impactUrgencyFor(priority) }).number;
  const refusal = async (clicked: { responseUrl: string }) => String((await eventually(() => stack.slack.responsesFor(clicked.responseUrl)[0]?.body, 30_000, 'the refusal')).text);
  const routeOf = async (number: string) => (await stack.client.workflow.getHandle(incidentWorkflowId(number)).describe()).typedSearchAttributes.get(OpsRoute);

  it('opens two incidents of two routes in two channels, and an approver of one route is refused on the other', async () => {
    const payments = open('Payments SRE', '2');
    const database = open('Database', '2');
    const [payDecision, dbDecision] = await Promise.all([decisionMessage(stack, payments), decisionMessage(stack, database)]);
    expect(rootMessages(stack, payments).map((m) => m.channel)).toEqual([PAYMENTS]);
    expect(rootMessages(stack, database).map((m) => m.channel)).toEqual([DATABASE]);
    expect([payDecision.channel, dbDecision.channel]).toEqual([PAYMENTS, DATABASE]);

    expect(await refusal(await click(stack, payDecision, 'approve', DB_APPROVER))).toContain(`Only the approvers for ${payments} can decide`);
    // The policy's own approvers are not the route's.
    expect(await refusal(await click(stack, dbDecision, 'approve', APPROVERS[0]!))).toContain(`Only the approvers for ${database} can decide`);
    expect(stack.servicenow.transitions.filter((t) => [payments, database].includes(t.number))).toEqual([]);

    // A route's approver may type the decision too, for their route's incidents only.
    const typed = async (text: string, userId: string) => {
      const responseUrl = stack.slack.newResponseUrl();
      const answer = await sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text, userId, channelId: DATABASE, responseUrl });
      const said = [answer.body, ...stack.slack.responsesFor(responseUrl).map((r) => r.body)].map((b) => JSON.stringify(b));
      return said.join(' ');
    };
    expect(await typed(`approve ${payments}`, DB_APPROVER)).toContain(`Only the approvers for ${payments} can decide`);
    await click(stack, payDecision, 'approve', PAY_APPROVER);
    await typed(`approve ${database}`, DB_APPROVER);
    await expect(incidentResult(stack, payments)).resolves.toMatchObject({ outcome: 'resolved', decidedBy: PAY_APPROVER });
    await expect(incidentResult(stack, database)).resolves.toMatchObject({ outcome: 'resolved', decidedBy: DB_APPROVER });
    expect([await routeOf(payments), await routeOf(database)]).toEqual(['payments', 'database']);
  });

  it('leaves a P4 under its route\'s threshold in ServiceNow on the webhook and on reconcile, and takes it up once raised', async () => {
    const quiet = open('Payments SRE', '4', 'Payments SRE: one slow report');
    const delivery = await eventually(() => stack.servicenow.deliveries.find((d) => d.number === quiet), 10_000, 'the Business Rule delivery');
    expect(delivery.status).toBe(202);

    const reconciled = (await stack.client.workflow.execute('reconcileIncidents', {
      workflowId: `routes-reconcile-${Date.now()}`,
      taskQueue: stack.taskQueue,
      args: [{ lookbackMinutes: 10, settleSeconds: 0 } satisfies ReconcileInput],
    })) as ReconcileResult;
    expect(reconciled.seen).toBeGreaterThan(0);
    await expect(stack.client.workflow.getHandle(incidentWorkflowId(quiet)).describe()).rejects.toThrow(/not found/i);
    expect(rootMessages(stack, quiet)).toEqual([]);
    expect([...stack.agent.backlog.tasks.values()].filter((t) => t.reference?.referenceId === quiet)).toEqual([]);

    stack.servicenow.updateIncident(quiet, impactUrgencyFor('2'));
    await decisionMessage(stack, quiet);
    expect(rootMessages(stack, quiet).map((m) => m.channel)).toEqual([PAYMENTS]);
  });

  it('moves a pending decision to the new route when ServiceNow reassigns the incident: a note in the old thread, the new approvers', async () => {
    const number = open('Payments SRE', '3');
    const before = await decisionMessage(stack, number);
    expect(before.channel).toBe(PAYMENTS);

    stack.servicenow.updateIncident(number, { assignment_group: 'Database' });
    const moved = await eventually(() => rootMessages(stack, number).find((m) => m.channel === DATABASE), 30_000, 'the thread in the new channel');
    const oldRoot = rootMessages(stack, number).find((m) => m.channel === PAYMENTS)!;
    const note = await eventually(() => threadReplies(stack, oldRoot).find((m) => m.text.includes('reassigned')), 10_000, 'the note in the old thread');
    expect(note.text).toContain(`<#${DATABASE}>`);
    expect(note.text).toContain('route payments → database');

    const after = await eventually(() => {
      const found = threadReplies(stack, moved).find((m) => buttonsOf(m).length > 0);
      return found && structuredClone(found);
    }, 30_000, 'the decision in the new thread');
    expect(await refusal(await click(stack, before, 'approve', PAY_APPROVER))).toMatch(/superseded|closed/);
    expect(await refusal(await click(stack, after, 'approve', PAY_APPROVER))).toContain(`Only the approvers for ${number} can decide`);
    await click(stack, after, 'approve', DB_APPROVER);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved', decidedBy: DB_APPROVER });
    expect(await routeOf(number)).toBe('database');
  });
});
