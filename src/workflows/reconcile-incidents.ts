import type { IncidentSnapshot } from '../contracts/investigation';
import { servicenow, temporal } from './proxies';

export interface ReconcileInput {
  /** How far back to look; a little more than the schedule's interval, so nothing falls between runs. */
  lookbackMinutes: number;
}

/**
 * Run by a Temporal Schedule: Business Rules fire once and never retry, so incidents whose webhook was lost are
 * fed through the same signalWithStart path here. Deliveries are deduplicated by sys_mod_count in the investigation.
 */
export async function reconcileIncidents(input: ReconcileInput): Promise<{ seen: number; accepted: number }> {
  const incidents: IncidentSnapshot[] = await servicenow.listRecentlyUpdatedIncidents(input.lookbackMinutes);
  if (incidents.length === 0) return { seen: 0, accepted: 0 };
  const { accepted } = await temporal.deliverIncidentEvents(incidents);
  return { seen: incidents.length, accepted };
}
