// Workflow-safe: plain types and constants only (no zod), imported by workflows, activities and the API.
import type { InvestigatorMode } from './agent-task';
import type { NotificationEvent } from './runbook';

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

/** What routing reads of an incident (the policy's `routes:` match on these). */
export interface RouteKey {
  priority: string;
  assignmentGroup: string;
  cmdbCi: string;
}

/** Worker-side settings, read once per investigation through an activity so replays see the same values. */
export interface InvestigationSettings {
  slackChannel: string;
  serviceNowUrl: string;
  /** e.g. http://localhost:8233/namespaces/default */
  webUiNamespaceUrl: string;
  findingsTimeoutMs: number;
  /** Slack user ids who may approve ("*": anyone); from the policy when the investigation asks. */
  approvers: string[];
  /** Slack user groups whose members may approve. */
  approverGroups: string[];
  /** Distinct approvals needed (the policy's rule for the incident's priority). */
  requiredApprovals: number;
  requesterMayApprove: boolean;
  reminderIntervalMs: number;
  expiryMs: number;
  /** Who to mention on reminders and escalation, e.g. "<!subteam^S0123>" or "<@U0123>". */
  escalationTarget?: string;
  closeCode: string;
  /** Outcome events some channel subscribes to; the workflow skips notifying the others. */
  notifiedEvents: NotificationEvent[];
  /** How the investigator reports back; absent in runs recorded before agents had a task API (callback). */
  investigatorMode?: InvestigatorMode;
  /** How often a task is polled when no lifecycle event arrives (task mode). */
  agentPollIntervalMs?: number;
  /** The policy route the incident went to (absent from runs recorded before routes: they had one channel). */
  route?: string;
  /** The route's on-call paging: whether a decision pages at once, how many levels Escalate can reach. No keys: those stay with the worker. */
  paging?: { atOnce: boolean; levels: number; onCallNamed: boolean };
}

/** What the worker's configuration gives an investigation; the approval rule and subscriptions are added per incident. */
export type WorkerSettings = Omit<InvestigationSettings, 'approverGroups' | 'requiredApprovals' | 'requesterMayApprove' | 'notifiedEvents' | 'investigatorMode' | 'route' | 'paging'>;

export interface IncidentInvestigationInput {
  /** Absent when a person asked to investigate an existing incident: the workflow reads it from ServiceNow. */
  incident?: IncidentSnapshot;
  incidentNumber?: string;
  /** Who asked for the investigation from Slack (`/ops investigate`); they may not approve it unless the policy says so. */
  requestedBy?: string;
}

export type InvestigationOutcome = 'resolved' | 'rejected' | 'expired' | 'finished-elsewhere' | 'failed';

export interface InvestigationResult {
  incidentNumber: string;
  outcome: InvestigationOutcome;
  decidedBy?: string;
  /** The incident's sys_mod_count when the run ended (absent from runs recorded before 1.1.0). */
  sysModCount?: number;
}

/** What the root message of an incident's thread shows; updated in place as the stage changes. */
export interface IncidentView {
  number: string;
  priority: string;
  shortDescription: string;
  assignmentGroup: string;
  cmdbCi: string;
  stage: string;
  detail?: string;
  incidentUrl: string;
  runUrl: string;
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
  /** The start of the findings' summary, as the agent wrote it (Markdown). */
  findingsSummary?: string;
  /** The approval currently waiting, if any. */
  pendingApproval?: { workflowId: string; approvers: string[]; requiredApprovals: number };
}

/** What `/ops incident` asks for in its modal. */
export interface NewIncident {
  short_description: string;
  description: string;
  priority: string;
  cmdb_ci: string;
}

export interface OpenIncidentInput {
  fields: NewIncident;
  requestedBy: string;
  channelId?: string;
}

/** What OpsLoop sends an investigator: the incident, as the generic webhook expects it. */
export interface InvestigationRequest {
  incidentNumber: string;
  sysId: string;
  title: string;
  description: string;
  /** ServiceNow priority 1–5. */
  priority: string;
  service?: string;
  /** The incident in ServiceNow, for the agent's reference. */
  incidentUrl?: string;
  action: 'created' | 'updated' | 'resolved' | 'closed';
}
