// Workflow-safe: plain constants only.

/**
 * Slack message metadata type of an incident thread's root message; its payload names the incident (`incident`) and
 * the run that posted it (`run_id`). Only apps can attach metadata, so a mention in a thread finds its incident here.
 */
export const INCIDENT_ROOT_EVENT_TYPE = 'opsloop_incident_root';
