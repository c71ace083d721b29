// Workflow-safe: plain types only.

/** One line of the audit trail: who did what, where, with what result. Idempotent by `eventId`. */
export interface AuditEvent {
  eventId: string;
  /** ISO time. */
  at: string;
  source: 'slash-command' | 'button' | 'mention' | 'modal' | 'webhook' | 'workflow';
  /** e.g. "resolve", "decide", "investigation-outcome". */
  action: string;
  actorId?: string;
  actorName?: string;
  channelId?: string;
  /** What the person typed, when they typed something. */
  text?: string;
  decision?: string;
  incidentNumber?: string;
  workflowId?: string;
  runId?: string;
  /** accepted | denied | succeeded | failed | … */
  result: string;
  reason?: string;
}

export interface AuditQuery {
  incidentNumber?: string;
  workflowId?: string;
  limit?: number;
}
