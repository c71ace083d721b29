import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, isCancellation, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { agentSlotReleasedSignal, agentSlotRequestedSignal, agentSlotStatusSignal, agentSlotsStateQuery, type AgentSlotsInput } from '../contracts/agent-slots';
import { AgentSlotTable, emptySlotsState } from './agent-slot-table';
import { slots } from './proxies';

const DEFAULT_HOLDER_CHECK_INTERVAL_MS = 30_000;
/** Well under the server's limits; each run then carries its whole state (a few holders and a queue) to the next. */
const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 2_000;

/**
 * One per task queue (`agent-slots/<task queue>`): the agent investigations in flight across every worker, bounded by
 * OPSLOOP_AGENT_MAX_CONCURRENT. Holders ask through `acquireAgentSlot` (signalWithStart) and release by signal; the
 * semaphore signals each holder run its grant or its place in the queue. A holder whose run closed without releasing
 * (terminated, timed out, reset) is found by a periodic check and its slot freed; a holder that can no longer be
 * signalled is gone too.
 */
export async function agentSlots(input: AgentSlotsInput): Promise<void> {
  const table = new AgentSlotTable(input.state ?? emptySlotsState(input.maxConcurrent));
  setHandler(agentSlotRequestedSignal, (request) => table.request(request));
  setHandler(agentSlotReleasedSignal, (requestId) => table.release(requestId));
  setHandler(agentSlotsStateQuery, () => table.snapshot());

  const eventLimit = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= eventLimit;
  void checkHolders(table, input.holderCheckIntervalMs ?? DEFAULT_HOLDER_CHECK_INTERVAL_MS).catch((err: unknown) => {
    if (!isCancellation(err)) throw err;
  });

  while (!historyFull()) {
    await condition(() => table.deliveries().length > 0 || historyFull());
    await deliver(table);
  }
  // Statuses not yet delivered are part of the state: the next run delivers them first.
  await condition(allHandlersFinished);
  await continueAsNew<typeof agentSlots>({ ...input, state: table.snapshot() });
}

async function deliver(table: AgentSlotTable): Promise<void> {
  await Promise.all(
    table.deliveries().map(async ({ holder, status }) => {
      try {
        await getExternalWorkflowHandle(holder.workflowId, holder.runId).signal(agentSlotStatusSignal, status);
        table.delivered(status);
      } catch (err) {
        if (isCancellation(err)) throw err;
        // The server could not signal that run: it is closed, so its slot or place is free.
        table.closed([holder]);
      }
    }),
  );
}

async function checkHolders(table: AgentSlotTable, intervalMs: number): Promise<void> {
  for (;;) {
    await condition(() => table.runs().length > 0);
    await sleep(intervalMs);
    const runs = table.runs();
    if (runs.length === 0) continue;
    try {
      table.closed(await slots.closedWorkflowRuns(runs));
    } catch (err) {
      if (isCancellation(err)) throw err;
      // Temporal did not answer the describes for a while: check again at the next interval.
    }
  }
}
