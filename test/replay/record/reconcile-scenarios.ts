import type { Stack } from '../../helpers/stack';
import type { Scenario } from './scenario';

/** Incidents closed in ServiceNow two minutes ago whose webhooks were lost: the reconcile run delivers them. */
export function closedIncidentsMissedByTheRule(stack: Stack, count: number): string[] {
  const at = Date.now() - 2 * 60_000;
  return Array.from({ length: count }, (_, i) => stack.servicenow.createIncident({ short_description: `Missed ${i}`, state: '7', close_code: 'Solution provided', close_notes: 'done' }, { at }).number);
}

/** The reconcile schedule's story, as test/integration/reconcile.test.ts tells it. */
export const RECONCILE_SCENARIOS: Scenario[] = [
  {
    title: 'the reconcile run reads two pages from its cursor and delivers three incidents',
    async drive(stack) {
      closedIncidentsMissedByTheRule(stack, 3);
      const workflowId = `reconcile-recorded-${Date.now()}`;
      await stack.client.workflow.execute('reconcileIncidents', { workflowId, taskQueue: stack.taskQueue, args: [{ lookbackMinutes: 10, pageSize: 2 }] });
      return { 'reconcile-from-cursor': workflowId };
    },
  },
];
