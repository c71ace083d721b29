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
