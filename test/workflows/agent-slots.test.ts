import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { createAgentSlotActivities } from '../../src/activities/agent-slots';
import { agentSlotRequestedSignal, agentSlotsStateQuery, type AgentSlotRequest, type AgentSlotsInput, type AgentSlotsState } from '../../src/contracts/agent-slots';
import { agentSlotsWorkflowId } from '../../src/contracts/workflow-ids';
import { createOpsLoopWorkflows } from '../../src/temporal-client/opsloop-workflows';
import { endRunsOn } from '../helpers/temporal';
import type { SlotEvent, SlotHolderInput } from './agent-slots/holder-workflows';
import { startWorkflowHarness, waitFor, type WorkflowHarness } from './harness';

type Acquire = ReturnType<typeof createAgentSlotActivities>['acquireAgentSlot'];

/**
 * The agent-slot semaphore on the real dev server: `slotHolder` workflows (test/workflows/agent-slots/holder-workflows.ts)
 * hold slots through the real `withAgentSlot`, acquire through the real activity (signalWithStart), and report what
 * they were told; the test decides how long each investigation takes.
 */
describe('agent slots: investigations in flight are bounded, queued by priority, and never lost', () => {
  let bundle: { code: string };
  beforeAll(async () => {
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./agent-slots/holder-workflows'), logger: new DefaultLogger('WARN') });
  }, 120_000);

  let harness: WorkflowHarness | undefined;
  afterEach(async () => {
    if (!harness) return;
    await endRunsOn(harness.client, harness.taskQueue, 0);
    await harness.close();
    harness = undefined;
  });

  const events: SlotEvent[] = [];
  const investigations = { inFlight: 0, most: 0, done: [] as string[] };
  beforeEach(() => {
    events.length = 0;
    Object.assign(investigations, { inFlight: 0, most: 0, done: [] });
  });

  async function start(options: { maxConcurrent: number; investigateMs?: number; acquire?: (real: Acquire) => Acquire }): Promise<WorkflowHarness> {
    harness = await startWorkflowHarness(
      ({ client, taskQueue }) => {
        const real = createAgentSlotActivities(createOpsLoopWorkflows(client, taskQueue), { maxConcurrent: options.maxConcurrent });
        return {
          ...real,
          acquireAgentSlot: options.acquire ? options.acquire(real.acquireAgentSlot) : real.acquireAgentSlot,
          slotEvent: (event: SlotEvent) => void events.push(event),
          investigate: async (holder: string) => {
            investigations.most = Math.max(investigations.most, ++investigations.inFlight);
            await new Promise((r) => setTimeout(r, options.investigateMs ?? 1000));
            investigations.inFlight--;
            investigations.done.push(holder);
          },
        };
      },
      { workflowBundle: bundle },
    );
    return harness;
  }

  const hold = (h: WorkflowHarness, name: string, priority: number, body: SlotHolderInput['body'] = 'until-finished', staysOpen = false) =>
    h.client.workflow.start('slotHolder', { taskQueue: h.taskQueue, workflowId: `slot-holder/${name}/${h.taskQueue}`, args: [{ name, priority, body, staysOpen } satisfies SlotHolderInput] });
  const finish = (handle: WorkflowHandle) => handle.signal('finishInvestigation');
  const semaphore = (h: WorkflowHarness) => h.client.workflow.getHandle(agentSlotsWorkflowId(h.taskQueue));
  const state = (h: WorkflowHarness): Promise<AgentSlotsState> => semaphore(h).query(agentSlotsStateQuery);
  const granted = () => events.filter((e) => e.kind === 'granted').map((e) => e.holder);
  const positionsOf = (holder: string) => events.flatMap((e) => (e.holder === holder && e.kind === 'queued' ? [e.ahead] : []));
  const until = (what: string, probe: () => boolean, timeoutMs = 30_000) => waitFor(() => (probe() ? true : undefined), timeoutMs, what);
  const holdersIn = async (h: WorkflowHarness) => (await state(h)).holders.map((x) => x.requestId.split('/')[1]);
  const queueIn = async (h: WorkflowHarness) => (await state(h)).queue.map((x) => x.requestId.split('/')[1]);

  it('ten investigations with a quota of three: never more than three at once, and every one runs', async () => {
    const h = await start({ maxConcurrent: 3 });
    const names = Array.from({ length: 10 }, (_, i) => `H${i}`);
    const handles = await Promise.all(names.map((name) => hold(h, name, 3, 'activity')));
    await expect(Promise.all(handles.map((handle) => handle.result()))).resolves.toEqual(names);
    expect(investigations.done.sort()).toEqual([...names].sort());
    expect(investigations.most).toBe(3);
    expect(granted().sort()).toEqual([...names].sort());
    // Seven had to wait, and each was told so before it started.
    expect(names.filter((name) => positionsOf(name).length > 0)).toHaveLength(7);
    await waitFor(async () => ((await state(h)).holders.length === 0 ? true : undefined), 15_000, 'the semaphore emptied');
    expect((await state(h)).queue).toEqual([]);
  });

  it('a P1 arriving while P3s queue is granted before them; positions are reported, once per change', async () => {
    const h = await start({ maxConcurrent: 1 });
    const a = await hold(h, 'A', 3);
    await until('A granted', () => granted().includes('A'));
    const b = await hold(h, 'B', 3);
    await until('B queued', () => positionsOf('B').length === 1);
    const c = await hold(h, 'C', 3);
    await until('C queued', () => positionsOf('C').length === 1);
    const d = await hold(h, 'D', 1);
    await until('D queued', () => positionsOf('D').length === 1);
    expect(await queueIn(h)).toEqual(['D', 'B', 'C']);

    await finish(a);
    await until('D granted', () => granted().length === 2);
    await finish(d);
    await until('B granted', () => granted().length === 3);
    await finish(b);
    await until('C granted', () => granted().length === 4);
    await finish(c);
    await Promise.all([a, b, c, d].map((handle) => handle.result()));

    expect(granted()).toEqual(['A', 'D', 'B', 'C']);
    expect(positionsOf('A')).toEqual([]);
    expect(positionsOf('D')).toEqual([0]);
    // B was next, fell behind the P1, then was next again; C moved up one place at a time.
    await until('B told it is next again', () => positionsOf('B').length === 3);
    expect(positionsOf('B')).toEqual([0, 1, 0]);
    expect(positionsOf('C')).toEqual([1, 2, 1, 0]);
  });

  it('a holder whose investigation fails or is cancelled gives its slot back at once, not at the next check', async () => {
    const h = await start({ maxConcurrent: 1 });
    const a = await hold(h, 'A', 3);
    await until('A granted', () => granted().includes('A'));
    const b = await hold(h, 'B', 3, 'fails');
    await until('B queued', () => positionsOf('B').length > 0);
    const c = await hold(h, 'C', 3);
    await until('C queued', () => positionsOf('C').length > 0);

    // The holder check runs every 30 s by default: only the holders' own releases can free these slots in time.
    await a.cancel();
    await until('B granted', () => granted().includes('B'), 10_000);
    await expect(b.result()).rejects.toThrow();
    await until('C granted', () => granted().includes('C'), 10_000);
    await expect(a.result()).rejects.toThrow();
    await finish(c);
    await c.result();
    await waitFor(async () => ((await state(h)).holders.length === 0 ? true : undefined), 10_000, 'every slot given back');
    expect(granted()).toEqual(['A', 'B', 'C']);
  });

  it('a holder terminated while holding frees its slot; a waiter cancelled in the queue leaves it', async () => {
    const h = await start({ maxConcurrent: 1 });
    await h.client.workflow.start('agentSlots', {
      taskQueue: h.taskQueue,
      workflowId: agentSlotsWorkflowId(h.taskQueue),
      args: [{ maxConcurrent: 1, holderCheckIntervalMs: 500 } satisfies AgentSlotsInput],
    });
    const a = await hold(h, 'A', 3);
    await until('A granted', () => granted().includes('A'));
    const b = await hold(h, 'B', 3);
    const c = await hold(h, 'C', 3);
    await until('B and C queued', () => positionsOf('B').length > 0 && positionsOf('C').length > 0);

    await c.cancel();
    await waitFor(async () => ((await queueIn(h)).join() === 'B' ? true : undefined), 15_000, 'C left the queue');
    await a.terminate('the run was reset by an operator');
    await until('B granted after A was found closed', () => granted().includes('B'), 15_000);
    expect(await holdersIn(h)).toEqual(['B']);
    await finish(b);
    await expect(b.result()).resolves.toBe('B');
    expect(granted()).toEqual(['A', 'B']);
  });

  it('an acquire retried after its signal landed takes one slot, and a late duplicate of an ended request takes none', async () => {
    const h = await start({
      maxConcurrent: 1,
      acquire: (real) => async (request) => {
        await real(request);
        if (Context.current().info.attempt === 1) throw new Error('the answer was lost after the signal landed');
      },
    });
    // A stays open after giving its slot back, as an investigation waits for a decision for hours.
    const a = await hold(h, 'A', 3, 'until-finished', true);
    await until('A acquired twice', () => h.calls.filter((call) => call.name === 'acquireAgentSlot').length === 2);
    await until('A granted', () => granted().includes('A'));
    const b = await hold(h, 'B', 3);
    await until('B queued', () => positionsOf('B').length > 0);
    expect([await holdersIn(h), await queueIn(h)]).toEqual([['A'], ['B']]);

    await finish(a);
    await until('B granted', () => granted().includes('B'));
    const [first] = h.calls.find((call) => call.name === 'acquireAgentSlot')!.args as [Omit<AgentSlotRequest, 'maxConcurrent'>];
    await semaphore(h).signal(agentSlotRequestedSignal, { ...first, maxConcurrent: 1 });
    const c = await hold(h, 'C', 3);
    await until('C queued', () => positionsOf('C').length > 0);
    expect([await holdersIn(h), await queueIn(h)]).toEqual([['B'], ['C']]);
    await finish(b);
    await finish(c);
    await a.signal('closeIncident');
    await Promise.all([a, b, c].map((handle) => handle.result()));
    expect(granted()).toEqual(['A', 'B', 'C']);
  });

  it('the semaphore continues as new and keeps its holders, its queue and what it told them', async () => {
    const h = await start({ maxConcurrent: 2 });
    const first = await h.client.workflow.start('agentSlots', {
      taskQueue: h.taskQueue,
      workflowId: agentSlotsWorkflowId(h.taskQueue),
      args: [{ maxConcurrent: 2, continueAsNewAfterEvents: 40 } satisfies AgentSlotsInput],
    });
    const names = ['A', 'B', 'C', 'D', 'E'];
    const handles: WorkflowHandle[] = [];
    for (const name of names) {
      handles.push(await hold(h, name, 3));
      await until(`${name} told`, () => events.some((e) => e.holder === name));
    }
    const firstRun = h.client.workflow.getHandle(first.workflowId, first.firstExecutionRunId);
    await waitFor(async () => ((await firstRun.describe()).status.name === 'CONTINUED_AS_NEW' ? true : undefined), 15_000, 'the first run continued as new');
    expect([await holdersIn(h), await queueIn(h)]).toEqual([['A', 'B'], ['C', 'D', 'E']]);

    for (const [i, handle] of handles.entries()) {
      await until(`${names[i]} granted`, () => granted().includes(names[i]!));
      await finish(handle);
      await handle.result();
    }
    expect(granted()).toEqual(names);
    expect(names.map(positionsOf)).toEqual([[], [], [0], [1, 0], [2, 1, 0]]);
  });
});
