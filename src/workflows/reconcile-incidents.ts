import { patched, workflowInfo } from '@temporalio/workflow';
import type { IncidentSnapshot } from '../contracts/investigation';
import { cursorOf, type ReconcileCursor, type ReconcileInput, type ReconcileResult } from '../contracts/reconcile';
import { PATCH } from './patches';
import { reconcile, servicenow, temporal } from './proxies';

export type { ReconcileInput, ReconcileResult };

const DEFAULTS = { settleSeconds: 60, pageSize: 100, maxPages: 50 };

/**
 * Run by a Temporal Schedule: Business Rules fire once and never retry, so incidents whose webhook was lost are fed
 * through the same signalWithStart path here. Deliveries are deduplicated by sys_mod_count in the investigation.
 *
 * Where it left off is durable in the Schedule itself: each run returns its cursor, and the Schedule passes the last
 * completed run's result to the next one (`workflowInfo().lastResult`). A run that fails leaves the cursor where the
 * last good run put it, and an outage of any length is read back from there, however many pages that takes (a run
 * reads at most `maxPages`, the next goes on). A long-lived workflow with continue-as-new would keep the cursor as
 * well, but every deploy would then have to patch a loop that never ends; a run per interval stays short, keeps a
 * small history, and keeps the Schedule's pause, trigger and overlap policy. Without a previous result (the first
 * run, or a Schedule made again) it looks back `lookbackMinutes`; a run that finds nothing keeps the cursor it had.
 */
export async function reconcileIncidents(input: ReconcileInput): Promise<ReconcileResult> {
  if (!patched(PATCH.reconcileFromCursor)) return reconcileRecentlyUpdated(input);
  const { lookbackMinutes, settleSeconds, pageSize, maxPages } = { ...DEFAULTS, ...input };
  let cursor: ReconcileCursor | undefined = cursorOf(workflowInfo().lastResult);
  let seen = 0;
  let accepted = 0;
  for (let page = 0; page < maxPages; page++) {
    const delivered = await reconcile.deliverChangedIncidents({ after: cursor, lookbackMinutes, settleSeconds, limit: pageSize });
    cursor = delivered.cursor;
    if (delivered.seen === 0) break;
    seen += delivered.seen;
    accepted += delivered.accepted;
  }
  return { seen, accepted, cursor };
}

/** Before 1.1.0: the incidents changed in the last `lookbackMinutes`, one read of at most 500, delivered at once. */
async function reconcileRecentlyUpdated(input: ReconcileInput): Promise<ReconcileResult> {
  const incidents: IncidentSnapshot[] = await servicenow.listRecentlyUpdatedIncidents(input.lookbackMinutes);
  if (incidents.length === 0) return { seen: 0, accepted: 0 };
  const { accepted } = await temporal.deliverIncidentEvents(incidents);
  return { seen: incidents.length, accepted };
}
