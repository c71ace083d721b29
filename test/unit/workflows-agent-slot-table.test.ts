import type { AgentSlotRequest, AgentSlotStatus } from '../../src/contracts/agent-slots';
import { AgentSlotTable, emptySlotsState } from '../../src/workflows/agent-slot-table';

const run = (n: string) => ({ workflowId: `incident/${n}`, runId: `run-${n}` });
const request = (n: string, priority = 3, maxConcurrent = 3): AgentSlotRequest => ({ requestId: `${n}/1`, holder: run(n), priority, maxConcurrent });
const holders = (table: AgentSlotTable) => table.snapshot().holders.map((h) => h.requestId);
const queue = (table: AgentSlotTable) => table.snapshot().queue.map((w) => w.requestId);
/** Delivers everything owed, as the workflow does, and returns it. */
const tell = (table: AgentSlotTable): AgentSlotStatus[] => {
  const statuses = table.deliveries().map((d) => d.status);
  statuses.forEach((s) => table.delivered(s));
  return statuses;
};

describe('the agent-slot table', () => {
  it('grants up to the limit and queues the rest, telling each waiter how many are ahead', () => {
    const table = new AgentSlotTable(emptySlotsState(2));
    for (const n of ['A', 'B', 'C', 'D']) table.request(request(n, 3, 2));
    expect(holders(table)).toEqual(['A/1', 'B/1']);
    expect(tell(table)).toEqual([
      { requestId: 'A/1', granted: true },
      { requestId: 'B/1', granted: true },
      { requestId: 'C/1', granted: false, ahead: 0 },
      { requestId: 'D/1', granted: false, ahead: 1 },
    ]);
    expect(tell(table)).toEqual([]);
    table.release('A/1');
    expect(tell(table)).toEqual([{ requestId: 'C/1', granted: true }, { requestId: 'D/1', granted: false, ahead: 0 }]);
  });

  it('serves priority 1 before queued lower priorities, and arrival order within a priority', () => {
    const table = new AgentSlotTable(emptySlotsState(1));
    for (const [n, p] of [['A', 3], ['B', 3], ['C', 2], ['D', 1], ['E', 1]] as const) table.request(request(n, p, 1));
    expect(queue(table)).toEqual(['D/1', 'E/1', 'C/1', 'B/1']);
  });

  it('keeps one request per id: a repeated request takes no second slot, and an ended one never comes back', () => {
    const table = new AgentSlotTable(emptySlotsState(1));
    table.request(request('A', 3, 1));
    table.request(request('A', 3, 1));
    table.request(request('B', 3, 1));
    table.request(request('B', 3, 1));
    expect([holders(table), queue(table)]).toEqual([['A/1'], ['B/1']]);
    table.release('A/1');
    table.request(request('A', 3, 1));
    expect([holders(table), queue(table)]).toEqual([['B/1'], []]);
    // A release that arrives before its request (the holder gave up while its acquire was still being retried).
    table.release('C/1');
    table.request(request('C', 3, 1));
    table.release('B/1');
    expect([holders(table), queue(table)]).toEqual([[], []]);
  });

  it('frees the slots and places of runs that closed, and grants the next in line', () => {
    const table = new AgentSlotTable(emptySlotsState(1));
    for (const n of ['A', 'B', 'C']) table.request(request(n, 3, 1));
    expect(table.runs()).toEqual([run('A'), run('B'), run('C')]);
    table.closed([run('A'), run('B')]);
    expect([holders(table), queue(table)]).toEqual([['C/1'], []]);
    table.request(request('A', 3, 1));
    expect(holders(table)).toEqual(['C/1']);
  });

  it('applies the limit of the latest request: a raised limit grants waiters, a lowered one takes no slot back', () => {
    const table = new AgentSlotTable(emptySlotsState(1));
    for (const n of ['A', 'B', 'C']) table.request(request(n, 3, 1));
    table.request(request('D', 3, 3));
    expect([holders(table), queue(table)]).toEqual([['A/1', 'B/1', 'C/1'], ['D/1']]);
    table.request(request('E', 3, 1));
    table.release('A/1');
    expect([holders(table), queue(table)]).toEqual([['B/1', 'C/1'], ['D/1', 'E/1']]);
    table.request({ ...request('D', 3, 0) });
    expect(table.snapshot().maxConcurrent).toBe(1);
  });

  it('reports a position again only when it changed, in either direction', () => {
    const table = new AgentSlotTable(emptySlotsState(1));
    table.request(request('A', 3, 1));
    table.request(request('B', 3, 1));
    tell(table);
    table.request(request('C', 1, 1));
    expect(tell(table)).toEqual([{ requestId: 'C/1', granted: false, ahead: 0 }, { requestId: 'B/1', granted: false, ahead: 1 }]);
    table.request(request('D', 3, 1));
    expect(tell(table)).toEqual([{ requestId: 'D/1', granted: false, ahead: 2 }]);
  });

  it('survives a snapshot: a new table from it owes nothing already told and keeps order and ended ids', () => {
    const table = new AgentSlotTable(emptySlotsState(1));
    for (const n of ['A', 'B', 'C']) table.request(request(n, 3, 1));
    tell(table);
    table.request(request('D', 1, 1));
    const copy = new AgentSlotTable(JSON.parse(JSON.stringify(table.snapshot())) as ReturnType<AgentSlotTable['snapshot']>);
    expect(copy.deliveries().map((d) => d.status)).toEqual(table.deliveries().map((d) => d.status));
    copy.release('A/1');
    copy.request(request('A', 3, 1));
    expect([holders(copy), queue(copy)]).toEqual([['D/1'], ['B/1', 'C/1']]);
  });
});
