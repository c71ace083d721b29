import type { AgentSlotRequest, WorkflowRun } from '../contracts/agent-slots';
import type { OpsLoopWorkflows } from '../temporal-client/opsloop-workflows';

/** The agent-slot semaphore's activities: asking for a slot (starting the semaphore if needed) and finding dead holders. */
export function createAgentSlotActivities(workflows: OpsLoopWorkflows, options: { maxConcurrent: number }) {
  return {
    /** Signals the request to the semaphore, started if absent; sending the same request again changes nothing. */
    async acquireAgentSlot(request: Omit<AgentSlotRequest, 'maxConcurrent'>): Promise<void> {
      await workflows.requestAgentSlot({ ...request, maxConcurrent: options.maxConcurrent });
    },

    /** The runs among these that are no longer running. */
    closedWorkflowRuns(runs: WorkflowRun[]): Promise<WorkflowRun[]> {
      return workflows.closedRuns(runs);
    },
  };
}
