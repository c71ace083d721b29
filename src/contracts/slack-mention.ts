// Workflow-safe: plain types only.

/** What an `@OpsLoop …` mention asks for, parsed by the API. */
export type MentionRequest =
  /** `closeNotes`: what followed the number (optional, added in 1.1.0). */
  | { kind: 'resolve'; incidentNumber: string; closeNotes?: string }
  | { kind: 'status'; incidentNumber: string }
  /** Help or a refusal: the API already wrote the reply. */
  | { kind: 'reply'; text: string };

export interface SlackMentionInput {
  eventId: string;
  userId: string;
  channel: string;
  /** The thread to answer in (the mention's own thread, or the mention itself). */
  threadTs: string;
  request: MentionRequest;
}
