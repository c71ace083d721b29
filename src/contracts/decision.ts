// Workflow-safe: plain types and constants only (no zod).

export const DECISION_CHOICES = ['approve', 'reject', 'escalate'] as const;
export type DecisionChoice = (typeof DECISION_CHOICES)[number];

export const isDecisionChoice = (value: string): value is DecisionChoice =>
  (DECISION_CHOICES as readonly string[]).includes(value);

/** A generic human decision: who may decide what, where it is asked, and how long it waits. */
export interface ApprovalRequest {
  incidentNumber: string;
  question: string;
  /** Markdown shown to the approver (e.g. the findings). */
  evidence: string;
  choices: DecisionChoice[];
  /** Slack user ids allowed to decide. */
  approvers: string[];
  thread: { channel: string; ts: string };
  reminderIntervalMs: number;
  expiryMs: number;
  escalationTarget?: string;
}

/** A click, as the API hands it to the approval workflow's update. */
export interface DecisionInput {
  choice: DecisionChoice;
  userId: string;
  userName?: string;
  /** When the person clicked (Slack's action_ts as ISO time); workflows keep no wall clock of their own. */
  clickedAt?: string;
}

export type ApprovalOutcome =
  | { outcome: 'approved' | 'rejected' | 'escalated'; by: string; at?: string }
  | { outcome: 'expired' }
  | { outcome: 'withdrawn'; reason: string };

/** Slack button action ids; the value carries the approval workflow id. */
export const DECISION_ACTION_PREFIX = 'opsloop.decision.';
