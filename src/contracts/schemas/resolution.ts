import { z } from 'zod';

/** Who asked OpsLoop to resolve an incident, and where to tell them the outcome. */
export const resolutionRequestSchema = z.object({
  slackUserId: z.string().min(1),
  slackUserName: z.string().optional(),
  channelId: z.string().optional(),
  /** Slack's per-command reply URL (5 uses, 30 minutes). */
  responseUrl: z.url().optional(),
  /** For requests made by mentioning the bot: reply in this thread instead. */
  replyIn: z.object({ channel: z.string(), ts: z.string() }).optional(),
  /** Slack's event_id for mentions: a redelivered event joins as the same requester. */
  eventId: z.string().optional(),
  /** What the person typed or entered in the resolve modal, for the audit trail and the close notes. */
  text: z.string().max(4000).optional(),
  source: z.enum(['slash-command', 'mention', 'modal', 'button']).optional(),
  closeCode: z.string().max(100).optional(),
  closeNotes: z.string().max(4000).optional(),
});
export type ResolutionRequest = z.infer<typeof resolutionRequestSchema>;
