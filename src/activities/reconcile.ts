import type { ServiceNowClient } from '../clients/servicenow/client';
import type { IncidentSnapshot } from '../contracts/investigation';
import { serviceNowTime, type ReconcileCursor } from '../contracts/reconcile';
import type { OpsLoopWorkflows } from '../temporal-client/opsloop-workflows';
import type { PolicyStore } from '../policy/policy-store';
import { investigates } from '../policy/route-for';

export interface ReconcilePage {
  /** Where the previous page (or run) stopped; absent for the very first read, which looks back `lookbackMinutes`. */
  after?: ReconcileCursor;
  lookbackMinutes: number;
  /**
   * Incidents changed within this many seconds of now are left to a later read: sys_updated_on has one-second
   * resolution and a transaction may commit after a later one, so a row could still appear behind a cursor placed at
   * the present.
   */
  settleSeconds: number;
  limit: number;
}

export interface ReconciledPage {
  /** Incidents read (0: nothing more to read for now). */
  seen: number;
  /** Of those, deliveries an investigation took (the others' investigations had finished). */
  accepted: number;
  /** Where the next page starts: the last incident read, or where this read started when it read none. */
  cursor: ReconcileCursor;
}

/** Deliveries at once; each is one signalWithStart, and different incidents' runs do not wait for each other. */
const CONCURRENCY = 8;

async function deliverAll(incidents: IncidentSnapshot[], deliver: (i: IncidentSnapshot) => Promise<boolean>): Promise<number> {
  let next = 0;
  let accepted = 0;
  const lane = async () => {
    while (next < incidents.length) if (await deliver(incidents[next++]!)) accepted++;
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, incidents.length) }, lane));
  return accepted;
}

/**
 * The reconcile schedule's page: the next incidents the Business Rule's condition selects, changed after the cursor,
 * delivered through the webhook's signalWithStart path, under the same route thresholds. One activity reads and delivers, so the workflow's history
 * holds cursors and counts, never a page of incidents; a retry reads the page again and redelivers it, which the
 * investigations ignore (the same record version is one event).
 */
export function createReconcileActivities(deps: { servicenow: ServiceNowClient; workflows: OpsLoopWorkflows; policy: PolicyStore; incidentCondition?: string }) {
  return {
    async deliverChangedIncidents(page: ReconcilePage): Promise<ReconciledPage> {
      const now = Date.now();
      const after = page.after ?? { sysUpdatedOn: serviceNowTime(now - page.lookbackMinutes * 60_000) };
      const before = serviceNowTime(now - page.settleSeconds * 1000);
      const incidents = await deps.servicenow.listChangedAfter({ after, before, limit: page.limit, condition: deps.incidentCondition });
      const last = incidents.at(-1);
      if (!last) return { seen: 0, accepted: 0, cursor: after };
      const accepted = await deliverAll(incidents, async (incident) => (await deps.workflows.deliverIncidentEvent(incident, undefined, { startNew: investigates(deps.policy.current(), incident) })).status === 'accepted');
      return { seen: incidents.length, accepted, cursor: { sysUpdatedOn: last.sysUpdatedOn, sysId: last.sysId } };
    },
  };
}
