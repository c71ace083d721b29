// Workflow-safe: plain types only.

/** What will run, fully resolved from the catalog and validated parameters; shown as-is in a dry run. */
export type ExecutionPlan =
  /** Header values are templates: `${NAME}` names a worker environment variable, resolved only when it runs. */
  | { type: 'http'; method: string; url: string; headers: Record<string, string>; body?: string; expectStatus: number[]; idempotent: boolean }
  | { type: 'command'; executable: string; argv: string[]; envNames: string[]; safeToRetry: boolean }
  | { type: 'ping'; target: string; check: { url: string } | { host: string; port: number } };

export type ApprovalLevel = 'none' | 'one' | 'two';

export interface RunbookActionInput {
  actionName: string;
  /** The validated parameters, for the audit trail and the messages. */
  params: Record<string, string>;
  plan: ExecutionPlan;
  timeoutMs: number;
  requestedBy: string;
  channelId: string;
  /** The approval the action needs (the stricter of the action's and the policy's rule), recorded at request time. */
  approval: { level: ApprovalLevel; approvers: string[]; approverGroups: string[]; expiryMs?: number };
  /** For agent-proposed actions: the incident it belongs to, and its thread (the result is posted there). */
  incidentNumber?: string;
  thread?: { channel: string; ts: string };
}

/** The incident fields a `proposals:` parameter template may name as `{incident.<field>}`. */
export const PROPOSAL_INCIDENT_FIELDS = ['number', 'sysId', 'priority', 'urgency', 'impact', 'assignmentGroup', 'cmdbCi'] as const;
export type ProposalIncidentFields = Record<(typeof PROPOSAL_INCIDENT_FIELDS)[number], string>;

/** What the worker checks against the catalog: a catalog action an agent named, or its Markdown mitigation plan. */
export type ProposalSource = { name: string; params: Record<string, string> } | { mitigation: string; incident: ProposalIncidentFields };

/** Which `proposals:` rule of the catalog mapped a mitigation plan, and the line of the plan it matched. */
export interface ProposalOrigin {
  rule: string;
  line: string;
}

/** An agent's proposal, checked against the catalog by the worker. */
export type CheckedProposal =
  | { valid: true; actionName: string; params: Record<string, string>; plan: ExecutionPlan; timeoutMs: number; approval: ApprovalLevel; label: string; preview: string; origin?: ProposalOrigin }
  | { valid: false; label: string; reason: string; origin?: ProposalOrigin };

export interface ActionResult {
  ok: boolean;
  /** HTTP status or process exit code. */
  code?: number;
  durationMs: number;
  /** A short, truncated excerpt of the response or output. */
  excerpt: string;
  summary: string;
}

export type NotificationEvent = 'action-succeeded' | 'action-failed' | 'incident-resolved' | 'approval-expired' | 'workflow-failed';

export interface Notification {
  /** Deduplicates retried deliveries. */
  id: string;
  event: NotificationEvent;
  text: string;
}
