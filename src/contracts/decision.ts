// Workflow-safe: plain types and constants only (no zod).

export const DECISION_CHOICES = ['approve', 'reject', 'escalate'] as const;
export type DecisionChoice = (typeof DECISION_CHOICES)[number];

export const isDecisionChoice = (value: string): value is DecisionChoice =>
  (DECISION_CHOICES as readonly string[]).includes(value);

/** A generic human decision: who may decide what, where it is asked, and how long it waits. */
export interface ApprovalRequest {
  incidentNumber: string;
  question: string;
  /** Markdown shown to the approver (e.g. the findings); rendered as Slack mrkdwn where it is posted. */
  evidence: string;
  /** Where the full findings can be read (the agent's own page), linked when the evidence is too long for Slack. */
  evidenceUrl?: string;
  choices: DecisionChoice[];
  /** Slack user ids allowed to decide ("*": anyone). */
  approvers: string[];
  /** Slack user groups whose members may decide. */
  approverGroups: string[];
  /** Distinct approvals needed before the outcome is `approved`. A single reject ends it. */
  requiredApprovals: number;
  /** Who asked; unless `requesterMayApprove`, they cannot approve their own request. */
  requester?: string;
  /** Everyone who asked (Slack user ids), `requester` among them; none of them may approve unless `requesterMayApprove`. */
  requesters?: string[];
  /** The Slack users who opened the incident in ServiceNow (its caller and opener); they may not approve either. */
  openedBy?: string[];
  /** Why who opened it could not be told; approving is then refused, since an opener could not be told apart. */
  openedByUnknown?: string;
  requesterMayApprove?: boolean;
  /** The incident's sys_id: decisions are written to its work notes. */
  sysId?: string;
  /** sha256 of the question and evidence shown; set by the approval workflow, carried by the buttons. */
  evidenceHash?: string;
  /** For a proposed action: what Preview shows (the resolved URL or argument vector and the rule). */
  preview?: string;
  thread: { channel: string; ts: string };
  reminderIntervalMs: number;
  expiryMs: number;
  escalationTarget?: string;
  /** Who is on call for the incident's route, as the decision message names them (PagerDuty's on-calls). */
  onCall?: string;
}

/** A click, as the API hands it to the approval workflow's update. */
export interface DecisionInput {
  choice: DecisionChoice;
  userId: string;
  userName?: string;
  /** When the person clicked (Slack's action_ts as ISO time); workflows keep no wall clock of their own. */
  clickedAt?: string;
  /** The person's Slack user groups, resolved by the API. */
  groups?: string[];
  /** Where the decision came from, for the audit trail. */
  source?: 'button' | 'slash-command' | 'mention';
  /** The evidence the person saw (from the button); a stale one is refused. Text commands decide on the current one. */
  evidenceHash?: string;
  /** Said with the decision (`/ops approve INC… <comment>`), written to the decision record. */
  comment?: string;
}

export type ApprovalOutcome =
  | { outcome: 'approved' | 'rejected' | 'escalated'; by: string; at?: string; approvers?: string[] }
  | { outcome: 'expired' }
  | { outcome: 'withdrawn'; reason: string }
  /** The evidence or the proposal changed while pending: a new request replaces this one. `reason` says what changed. */
  | { outcome: 'superseded'; reason: string };

/** The message shown for a click on a request that is no longer pending. */
export function closedRequestMessage(outcome: ApprovalOutcome): string {
  switch (outcome.outcome) {
    case 'superseded':
      return 'This request was superseded by new evidence; decide on the new message in the thread.';
    case 'expired':
    case 'withdrawn':
      return `This decision is closed (${outcome.outcome}).`;
    default:
      return `Already decided: ${outcome.outcome} by <@${outcome.by}>.`;
  }
}

/** Slack button action ids; the value carries the approval workflow id. */
export const DECISION_ACTION_PREFIX = 'opsloop.decision.';
/** The Preview button of a proposed action: shows what would run, runs nothing. */
export const PREVIEW_ACTION = 'opsloop.preview';
