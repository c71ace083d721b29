import { z } from 'zod';

/** The fields of a slash command form body that OpsLoop uses (Slack sends more). */
export const slashCommandSchema = z.object({
  command: z.string().regex(/^\/[\w-]{1,31}$/, 'must look like /ops'),
  text: z.string().max(4000).default(''),
  user_id: z.string().min(1),
  user_name: z.string().optional(),
  channel_id: z.string().min(1),
  team_id: z.string().optional(),
  response_url: z.url({ protocol: /^https?$/ }),
  trigger_id: z.string().optional(),
});
export type SlashCommand = z.infer<typeof slashCommandSchema>;

/** The fields of a block_actions interaction (a button click) that OpsLoop uses. */
export const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional() }),
  channel: z.object({ id: z.string() }).optional(),
  response_url: z.url({ protocol: /^https?$/ }).optional(),
  actions: z
    .array(z.object({ action_id: z.string().max(255), value: z.string().max(2000).optional(), action_ts: z.string().optional() }))
    .min(1),
});
export type BlockActions = z.infer<typeof blockActionsSchema>;

/** Events API envelopes OpsLoop handles: the URL check and `app_mention` callbacks. */
export const slackEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('url_verification'), challenge: z.string().max(500) }),
  z.object({
    type: z.literal('event_callback'),
    event_id: z.string().min(1).max(100),
    event: z
      .object({
        type: z.string(),
        user: z.string().optional(),
        text: z.string().max(4000).default(''),
        channel: z.string().optional(),
        ts: z.string().optional(),
        thread_ts: z.string().optional(),
        bot_id: z.string().optional(),
      })
      .loose(),
  }),
]);

const inputValue = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
});

/** A modal submission: the values the person entered, keyed block_id → action_id. */
export const viewSubmissionSchema = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional() }),
  view: z.object({
    id: z.string().min(1),
    callback_id: z.string(),
    private_metadata: z.string().default(''),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), inputValue)) }),
  }),
});
export type ViewSubmission = z.infer<typeof viewSubmissionSchema>;

/** The value of the input in `blockId` (action id "value"), text or selected option. */
export function submittedValue(view: ViewSubmission['view'], blockId: string): string {
  const input = view.state.values[blockId]?.value;
  return (input?.selected_option?.value ?? input?.value ?? '').trim();
}
