import { proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * The only proxyActivities calls. External calls keep short start-to-close timeouts so work resumes quickly after
 * a worker dies; the client-side HTTP timeout (10 s by default) fires first, and the retry policy
 * bounds how long a flapping system can hold an incident. Slack, ServiceNow and agent calls heartbeat while slow,
 * so a dead worker's call is retried after the heartbeat timeout, not 15 s.
 */
const HEARTBEAT_TIMEOUT = '5s';

export const servicenow = proxyActivities<
  Pick<Activities, 'findIncident' | 'readIncidentSnapshot' | 'createIncident' | 'addWorkNoteOnce' | 'resolveIncident' | 'listRecentlyUpdatedIncidents'>
>({
  summary: 'ServiceNow Table API',
  startToCloseTimeout: '15s',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
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
  summary: 'Slack Web API',
  startToCloseTimeout: '15s',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  // response_url works for 30 minutes after the command; retrying longer than that is pointless.
  scheduleToCloseTimeout: '10m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

/** An ending investigation's timeline: the audit trail read, one work note in ServiceNow, one summary in the thread. */
export const timeline = proxyActivities<Pick<Activities, 'writeIncidentTimeline'>>({
  summary: 'Incident timeline (audit trail → ServiceNow work note, Slack thread)',
  startToCloseTimeout: '30s',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  scheduleToCloseTimeout: '15m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** The route's on-call through PagerDuty: a page per incident and level, and who is on call. */
export const paging = proxyActivities<Pick<Activities, 'pageOnCall' | 'whoIsOnCall'>>({
  summary: 'On-call paging (PagerDuty Events API v2)',
  startToCloseTimeout: '15s',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  // A page that cannot get through in 15 minutes has missed its point; the thread then says so.
  scheduleToCloseTimeout: '15m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** Who people are on the other side (ServiceNow users ↔ Slack users, by e-mail). */
export const identity = proxyActivities<Pick<Activities, 'slackUsersWhoOpened'>>({
  summary: 'ServiceNow users ↔ Slack users (by e-mail)',
  startToCloseTimeout: '15s',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  scheduleToCloseTimeout: '5m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

export const agent = proxyActivities<Pick<Activities, 'requestInvestigation'>>({
  summary: 'Investigator (agent webhook)',
  startToCloseTimeout: '20s',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  scheduleToCloseTimeout: '5m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** Following an agent task reads the task and its journal (paginated): slower than a trigger, and throttled at times. */
export const agentTask = proxyActivities<Pick<Activities, 'startAgentTask' | 'checkAgentTask'>>({
  summary: 'AWS DevOps Agent API',
  startToCloseTimeout: '1m',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  scheduleToCloseTimeout: '10m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' },
});

const SETTINGS_OPTIONS = { summary: 'Worker settings and policy', startToCloseTimeout: '10s' } as const;
const AUDIT_OPTIONS = {
  summary: 'Audit trail',
  startToCloseTimeout: '10s',
  // The audit trail must not be lost: keep trying (a database restart, say) for an hour.
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
} as const;

export const temporal = proxyActivities<Pick<Activities, 'requestResolutionFor' | 'incidentStatus' | 'deliverIncidentEvents' | 'startInvestigationOf' | 'tellInvestigationOf'>>({
  summary: 'Other OpsLoop workflows (Temporal client)',
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '5m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

/** One page of the reconcile read: a ServiceNow read, then up to a page of signalWithStarts. */
export const reconcile = proxyActivities<Pick<Activities, 'deliverChangedIncidents'>>({
  summary: 'Reconcile: ServiceNow read and deliveries',
  startToCloseTimeout: '2m',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  scheduleToCloseTimeout: '15m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/**
 * The agent-slot semaphore's calls to Temporal. Acquiring keeps trying for as long as an investigation would wait
 * anyway: a storm must queue, not fail, and a request sent twice is still one request.
 */
export const slots = proxyActivities<Pick<Activities, 'acquireAgentSlot' | 'closedWorkflowRuns'>>({
  summary: 'Agent slots (Temporal client)',
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

/**
 * Settings and audit rows are quick, local work: as local activities they need no task-queue round trip and leave one
 * marker event in history instead of three activity events and a workflow task.
 */
export const localSettings = proxyLocalActivities<Pick<Activities, 'getInvestigationSettings'>>(SETTINGS_OPTIONS);
export const localAudit = proxyLocalActivities<Pick<Activities, 'recordAudit'>>(AUDIT_OPTIONS);

export const runbook = proxyActivities<Pick<Activities, 'notify' | 'checkProposal'>>({
  summary: 'Runbook catalog and notifications',
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '30m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

/** A runbook action's executor: its timeout and retries depend on the action, so each run builds its own proxy. */
export const actionExecutor = (options: ActivityOptions) => proxyActivities<Pick<Activities, 'executeAction'>>(options);
