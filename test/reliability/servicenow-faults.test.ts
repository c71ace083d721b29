import { resolutionWorkflowId } from '../../src/contracts/workflow-ids';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { check } from './checker';
import { worldOf } from './harness/world';
import { Ledger } from './ledger';
import { slashCommand } from './requests';

describe('fault 8: ServiceNow hangs or refuses the resolving PATCH', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  /** `/ops resolve` of a fresh open incident; resolves with the reply the requester got. */
  const resolveThroughSlack = async (ledger: Ledger) => {
    const { number } = stack.servicenow.createIncident({ short_description: 'Disk full on db-07', state: '2' });
    const responseUrl = stack.slack.newResponseUrl();
    await ledger.send(slashCommand(stack.signingSecret, { text: `resolve ${number} freed the volume`, userId: 'U0ALICE', responseUrl }));
    const reply = await eventually(() => stack.slack.responsesFor(responseUrl)[0]?.body, 60_000, 'the reply');
    return { number, reply: String(reply.text) };
  };
  const patches = () => stack.servicenow.requests.filter((r) => r.method === 'PATCH');

  it('cuts a hung PATCH with the client timeout, retries, and resolves once', async () => {
    stack = await startStack();
    const ledger = new Ledger(stack.apiUrl);
    stack.servicenow.faults.add('PATCH incident', { hang: true });
    const { number, reply } = await resolveThroughSlack(ledger);

    expect(reply).toContain(`${number} resolved by`);
    const [first, second] = patches();
    expect(patches()).toHaveLength(2);
    // The stack's ServiceNow client gives up after 3 s; the activity's start-to-close timeout alone would take 15 s.
    expect(second!.at - first!.at).toBeLessThan(10_000);
    const verdict = await check(ledger, worldOf(stack), { incidents: { [number]: { threads: 0, resolved: 1 } } });
    expect(verdict.violations).toEqual([]);
  });

  it.each([400, 404])('does not retry a %i: one PATCH, the requester is told, nothing changes', async (status) => {
    stack = await startStack();
    const ledger = new Ledger(stack.apiUrl);
    stack.servicenow.faults.add('PATCH incident', { status, times: 5 });
    const { number, reply } = await resolveThroughSlack(ledger);

    expect(reply).toContain(`Could not resolve ${number}`);
    expect(patches()).toHaveLength(1);
    expect(stack.servicenow.incident(number)!.state).toBe('2');
    const verdict = await check(ledger, worldOf(stack), {
      workflows: { [resolutionWorkflowId(number)]: 'FAILED' },
      incidents: { [number]: { threads: 0, resolved: 0 } },
    });
    expect(verdict.violations).toEqual([]);
  });
});
