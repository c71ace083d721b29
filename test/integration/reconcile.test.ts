import { WorkflowNotFoundError } from '@temporalio/client';
import type { IncidentSnapshot } from '../../src/contracts/investigation';
import type { ReconcileInput, ReconcileResult } from '../../src/contracts/reconcile';
import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { impactUrgencyFor, type Priority } from '../../src/servicenow/priority';
import { readRun, signalsNamed } from '../reliability/harness/histories';
import { startStack, type Stack } from '../helpers/stack';

/** Incidents are changed "two minutes ago": the reconcile read leaves the last minute to the next run. */
const TWO_MINUTES_AGO = () => Date.now() - 2 * 60_000;

/** The incidentUpdated deliveries the incident's investigation kept (its history), or undefined when it has none. */
async function deliveriesKept(stack: Stack, number: string): Promise<number[] | undefined> {
  try {
    const run = await readRun(stack.client, incidentWorkflowId(number));
    return signalsNamed(run, 'incidentUpdated').map((s) => (s as IncidentSnapshot).sysModCount);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

const reconcileOnce = (stack: Stack, input: ReconcileInput) =>
  stack.client.workflow.execute('reconcileIncidents', { workflowId: `reconcile-test-${Date.now()}-${Math.random()}`, taskQueue: stack.taskQueue, args: [input] }) as Promise<ReconcileResult>;

describe('the reconcile schedule', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  it("reads only the incidents the Business Rule's condition selects: the rule and the read pick the same ones", async () => {
    const condition = 'assignment_group.name=sre^priority<=2';
    stack = await startStack({ env: { SERVICENOW_INCIDENT_CONDITION: condition } });
    // The rule posts to nowhere here: what it *would* send is what counts (its deliveries, answered or not).
    stack.servicenow.installBusinessRule({ url: 'http://127.0.0.1:9', secret: stack.serviceNowWebhookSecret, condition: 'assignment_group.name=sre^priority<=2^priorityISNOTEMPTY' });
    const open = (group: string, priority: Priority) =>
      stack.servicenow.createIncident({ short_description: `${group} P${priority}`, assignment_group: group, state: '6', close_code: 'Solution provided', close_notes: 'done', ...impactUrgencyFor(priority) }, { at: TWO_MINUTES_AGO() }).number;
    const selected = [open('SRE', '1'), open('SRE', '2')];
    const others = [open('SRE', '3'), open('Network', '1'), open('Payments SRE', '1')];
    await stack.servicenow.settled();
    expect(stack.servicenow.deliveries.map((d) => d.number).sort()).toEqual([...selected].sort());

    const result = await reconcileOnce(stack, { lookbackMinutes: 10 });
    expect(result).toMatchObject({ seen: 2, accepted: 2 });
    for (const number of selected) expect(await deliveriesKept(stack, number)).toEqual([0]);
    for (const number of others) expect(await deliveriesKept(stack, number)).toBeUndefined();
    const reads = stack.servicenow.requests.filter((r) => r.method === 'GET' && r.path === '/api/now/table/incident');
    expect(String(reads[0]?.query.sysparm_query)).toContain('^assignment_group.name=sre^priority<=2^priorityISNOTEMPTY');
  });

  it('pages through an ordered query from a tie-safe cursor, so incidents changed in the same second are each delivered once', async () => {
    stack = await startStack();
    const second = TWO_MINUTES_AGO();
    // 23 incidents in three seconds: pages of 5 end between incidents that share a sys_updated_on.
    const numbers = Array.from({ length: 23 }, (_, i) =>
      stack.servicenow.createIncident({ short_description: `Tie ${i}`, state: '7', close_code: 'Solution provided', close_notes: 'done' }, { at: second + (i % 3) * 1000 }).number,
    );

    const first = await reconcileOnce(stack, { lookbackMinutes: 10, pageSize: 5 });
    expect(first).toMatchObject({ seen: 23, accepted: 23 });
    const newest = stack.servicenow.incidents().filter((i) => numbers.includes(i.number)).sort((a, b) => (a.sys_updated_on + a.sys_id < b.sys_updated_on + b.sys_id ? -1 : 1)).at(-1)!;
    expect(first.cursor).toEqual({ sysUpdatedOn: newest.sys_updated_on, sysId: newest.sys_id });
    for (const number of numbers) expect(await deliveriesKept(stack, number)).toEqual([0]);

    const pages = stack.servicenow.requests.filter((r) => r.method === 'GET' && r.path === '/api/now/table/incident').map((r) => r.query as Record<string, string>);
    expect(pages).toHaveLength(6); // five pages of 5, 5, 5, 5, 3 and the empty one that says there is no more
    for (const page of pages) {
      expect(page).toMatchObject({ sysparm_limit: '5', sysparm_display_value: 'all' });
      expect(page.sysparm_query).toMatch(/\^ORDERBYsys_updated_on\^ORDERBYsys_id$/);
    }
    const cursorOfPage = (n: number) => {
      const read = stack.servicenow.incidents().filter((i) => numbers.includes(i.number)).sort((a, b) => (a.sys_updated_on + a.sys_id < b.sys_updated_on + b.sys_id ? -1 : 1))[n * 5 - 1]!;
      return `sys_updated_on>${read.sys_updated_on}^sys_updated_on<`;
    };
    expect(pages[1]!.sysparm_query).toContain(cursorOfPage(1));
    expect(pages[1]!.sysparm_query).toMatch(/\^NQsys_updated_on=[^^]+\^sys_id>[0-9a-f]{32}\^/);
  });
});
