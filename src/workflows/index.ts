export { humanApproval } from './human-approval';
export { incidentInvestigation } from './incident-investigation';
export { reconcileIncidents } from './reconcile-incidents';
export { resolution } from './resolution';
export { slackMention } from './slack-mention';
export { openIncident } from './open-incident';
export { channelNotifier } from './channel-notifier';
export { runbookAction } from './runbook-action';
