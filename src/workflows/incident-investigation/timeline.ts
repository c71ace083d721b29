import { log } from '@temporalio/workflow';
import type { InvestigationOutcome } from '../../contracts/investigation';
import { timeline } from '../proxies';
import { reasonOf } from './reason-of';
import type { InvestigationState } from './state';

/** The run's timeline, once (and, through the activity, the worker's metrics of how the run ended), in the ticket and the thread; the outcome stands even if it cannot be written. */
export async function writeTimeline(state: InvestigationState, outcome: InvestigationOutcome): Promise<void> {
  try {
    const { number: incidentNumber, incident, thread, threadPermalink: threadUrl, settings } = state;
    // The route, priority and outcome are for the worker's metrics; an activity's input is not part of what a replay compares.
    await timeline.writeIncidentTimeline({ incidentNumber, sysId: incident.sysId, thread, threadUrl, runUrl: state.runUrl(settings), route: settings.route, priority: incident.priority, outcome });
  } catch (err) {
    log.warn('could not write the incident timeline', { incidentNumber: state.number, reason: reasonOf(err) });
  }
}
