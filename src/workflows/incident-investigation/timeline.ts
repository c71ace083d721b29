import { log } from '@temporalio/workflow';
import { timeline } from '../proxies';
import { reasonOf } from './reason-of';
import type { InvestigationState } from './state';

/** The run's timeline, once, in the ticket and the thread; the outcome stands even if it cannot be written. */
export async function writeTimeline(state: InvestigationState): Promise<void> {
  try {
    const { number: incidentNumber, incident, thread, threadPermalink: threadUrl } = state;
    await timeline.writeIncidentTimeline({ incidentNumber, sysId: incident.sysId, thread, threadUrl, runUrl: state.runUrl(state.settings) });
  } catch (err) {
    log.warn('could not write the incident timeline', { incidentNumber: state.number, reason: reasonOf(err) });
  }
}
