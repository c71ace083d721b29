import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * The only proxyActivities calls. External calls keep short start-to-close timeouts so work resumes quickly after
 * a worker dies (DESIGN.md §3); the client-side HTTP timeout (10 s by default) fires first, and the retry policy
 * bounds how long a flapping system can hold an incident.
 */
export const servicenow = proxyActivities<
  Pick<Activities, 'findIncident' | 'readIncident' | 'readIncidentSnapshot' | 'createIncident' | 'addWorkNoteOnce' | 'resolveIncident' | 'addWorkNote' | 'listRecentlyUpdatedIncidents'>
>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '15m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

export const slack = proxyActivities<
  Pick<
    Activities,
    | 'respondToRequester'
    | 'postIncidentRoot'
    | 'updateIncidentRoot'
    | 'postThreadNote'
    | 'postChannelMessage'
    | 'postApprovalRequest'
    | 'refreshApprovalRequest'
    | 'closeApprovalRequest'
  >
>({
  startToCloseTimeout: '15s',
  // response_url works for 30 minutes after the command; retrying longer than that is pointless.
  scheduleToCloseTimeout: '10m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

export const agent = proxyActivities<Pick<Activities, 'requestInvestigation'>>({
  startToCloseTimeout: '20s',
  scheduleToCloseTimeout: '5m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' },
});

export const settings = proxyActivities<Pick<Activities, 'getInvestigationSettings'>>({
  startToCloseTimeout: '10s',
});

export const temporal = proxyActivities<Pick<Activities, 'requestResolutionFor' | 'incidentStatus' | 'deliverIncidentEvents' | 'startInvestigationOf'>>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '5m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

export const audit = proxyActivities<Pick<Activities, 'recordAudit'>>({
  startToCloseTimeout: '10s',
  // The audit trail must not be lost: keep trying (a database restart, say) for an hour.
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

export const runbook = proxyActivities<Pick<Activities, 'notify' | 'checkProposal'>>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '30m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});
