import { z } from 'zod';

/**
 * An AWS DevOps Agent lifecycle event exactly as EventBridge delivers it through an API destination: the whole event
 * (source aws.aidevops). It names the agent's task, never OpsLoop's incident; unknown fields pass through.
 */
export const agentTaskEventSchema = z.looseObject({
  version: z.string(),
  id: z.string().min(1),
  'detail-type': z.string().min(1).max(200),
  source: z.literal('aws.aidevops', { message: 'must be aws.aidevops (an AWS DevOps Agent event)' }),
  detail: z.looseObject({
    metadata: z.looseObject({
      agent_space_id: z.string().optional(),
      task_id: z.string().min(1).max(200),
      execution_id: z.string().max(200).nullish(),
    }),
    data: z.looseObject({ status: z.string().max(100).optional(), summary_record_id: z.string().nullish() }).optional(),
  }),
});
export type AgentTaskEventEnvelope = z.infer<typeof agentTaskEventSchema>;
