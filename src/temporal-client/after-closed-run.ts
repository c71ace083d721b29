import { isFinishedState } from '../contracts/incident-state';
import type { IncidentSnapshot, InvestigationResult } from '../contracts/investigation';

/**
 * What an incident event means when the incident's last investigation has closed:
 * - `reopened`: the run ended with the incident finished (resolved by OpsLoop or elsewhere) and a newer version says it
 *   is open again: a new investigation, which reads the incident from ServiceNow first (a late copy of an old version
 *   then finds it still finished and stops at once);
 * - `finished`: the run ended with the incident open (rejected, expired, failed) and a newer version says ServiceNow
 *   finished it: a new run records that and stops at once, so a later reopening is recognised;
 * - `none`: nothing new (an older or repeated version, another edit of a finished or an abandoned incident).
 * Runs recorded before the result carried `sysModCount` count any version as newer.
 */
export function afterClosedRun(incident: IncidentSnapshot, last: InvestigationResult | undefined): 'reopened' | 'finished' | 'none' {
  if (!last || (last.sysModCount !== undefined && incident.sysModCount <= last.sysModCount)) return 'none';
  const endedFinished = last.outcome === 'resolved' || last.outcome === 'finished-elsewhere';
  const finishedNow = isFinishedState(incident.state);
  if (endedFinished && !finishedNow) return 'reopened';
  if (!endedFinished && finishedNow) return 'finished';
  return 'none';
}
