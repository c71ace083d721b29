import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { RECONCILE_SCHEDULE_ID, RECONCILE_WORKFLOW_ID } from '../contracts/workflow-ids';

export { RECONCILE_SCHEDULE_ID };

/** Creates the reconcile schedule once; a schedule that already exists (another worker made it) is left as it is. */
export async function ensureReconcileSchedule(client: Client, taskQueue: string, intervalMs: number): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId: RECONCILE_SCHEDULE_ID,
      spec: { intervals: [{ every: intervalMs }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
      action: {
        type: 'startWorkflow',
        workflowType: 'reconcileIncidents',
        args: [{ lookbackMinutes: Math.ceil((intervalMs * 2) / 60_000) }],
        taskQueue,
        workflowId: RECONCILE_WORKFLOW_ID,
      },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}
