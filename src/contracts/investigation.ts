// Workflow-safe: plain types and constants only (no zod), imported by workflows, activities and the API.

/** An incident as the investigation keeps it, from a ServiceNow event or the Table API. */
export interface IncidentSnapshot {
  sysId: string;
  number: string;
  shortDescription: string;
  description: string;
  priority: string;
  urgency: string;
  impact: string;
  state: string;
  assignmentGroup: string;
  cmdbCi: string;
  sysUpdatedOn: string;
  sysModCount: number;
}

/** Worker-side settings, read once per investigation through an activity so replays see the same values. */
export interface InvestigationSettings {
  slackChannel: string;
  serviceNowUrl: string;
  /** e.g. http://localhost:8233/namespaces/default */
  webUiNamespaceUrl: string;
  findingsTimeoutMs: number;
  approvers: string[];
  reminderIntervalMs: number;
  expiryMs: number;
  /** Who to mention on reminders and escalation, e.g. "<!subteam^S0123>" or "<@U0123>". */
  escalationTarget?: string;
  closeCode: string;
}

export interface IncidentInvestigationInput {
  incident: IncidentSnapshot;
}

export type InvestigationOutcome = 'resolved' | 'rejected' | 'expired' | 'finished-elsewhere' | 'failed';

export interface InvestigationResult {
  incidentNumber: string;
  outcome: InvestigationOutcome;
  decidedBy?: string;
}

/** Where an incident's Slack thread lives. */
export interface ThreadRef {
  channel: string;
  ts: string;
}

export interface IncidentStatus {
  incidentNumber: string;
  stage: string;
  priority: string;
  thread?: ThreadRef;
  hasFindings: boolean;
}
