import { CancellationScope, condition, getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import { agentSlotReleasedSignal, agentSlotStatusSignal, type AgentSlotStatus } from '../contracts/agent-slots';
import { agentSlotsWorkflowId } from '../contracts/workflow-ids';
import { slots } from './proxies';

export interface AgentSlotOptions {
  /** The incident's ServiceNow priority (1 is served first); waiters of one priority are served in arrival order. */
  priority: number;
  /** The holder has to wait: `ahead` requests are served before it. Called again each time that number changes. */
  onQueued?: (ahead: number) => Promise<void>;
  /** The holder may start (called once, before the body). */
  onGranted?: () => Promise<void>;
}

// Module state is per workflow run (the SDK isolates each run's modules).
const statuses = new Map<string, AgentSlotStatus | undefined>();
let requestsMade = 0;

/**
 * Runs `body` while holding one of the agent's slots (see the `agentSlots` workflow): asks for a slot, reports the
 * queue position while waiting, and gives the slot back when the body returns, throws or is cancelled, and also when
 * the wait itself is cancelled.
 */
export async function withAgentSlot<T>(options: AgentSlotOptions, body: () => Promise<T>): Promise<T> {
  const { workflowId, runId, taskQueue } = workflowInfo();
  const requestId = `${workflowId}/${runId}/${++requestsMade}`;
  setHandler(agentSlotStatusSignal, (status) => {
    if (statuses.has(status.requestId)) statuses.set(status.requestId, status);
  });
  statuses.set(requestId, undefined);
  try {
    await slots.acquireAgentSlot({ requestId, holder: { workflowId, runId }, priority: options.priority });
    for (let reported: number | undefined; ; ) {
      await condition(() => {
        const status = statuses.get(requestId);
        return status !== undefined && (status.granted || status.ahead !== reported);
      });
      const status = statuses.get(requestId)!;
      if (status.granted) break;
      reported = status.ahead;
      await options.onQueued?.(reported);
    }
    await options.onGranted?.();
    return await body();
  } finally {
    statuses.delete(requestId);
    await CancellationScope.nonCancellable(() => release(taskQueue, requestId));
  }
}

async function release(taskQueue: string, requestId: string): Promise<void> {
  try {
    await getExternalWorkflowHandle(agentSlotsWorkflowId(taskQueue)).signal(agentSlotReleasedSignal, requestId);
  } catch {
    // No semaphore is running (an operator ended it): there is no slot to give back.
  }
}
