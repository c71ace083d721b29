// Workflow-safe: plain types only.

/** What an `@OpsLoop …` mention asks for, parsed by the API. */
export type MentionRequest =
  | { kind: 'resolve'; incidentNumber: string }
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
