import { z } from 'zod';

const text = (max: number) => z.string().max(max);

/**
 * The incident event a ServiceNow Business Rule posts to /webhooks/servicenow (see `npm run servicenow:business-rule`).
 * All values are strings, as ServiceNow stores them; references are sent as their display value.
 */
export const serviceNowEventSchema = z.object({
  sys_id: z.string().regex(/^[0-9a-f]{32}$/, 'must be a 32-character sys_id'),
  number: z.string().regex(/^INC\d{7,10}$/, 'must look like INC0010001'),
  short_description: text(1000),
  description: text(20_000).default(''),
  priority: z.string().regex(/^[1-5]$/, 'must be 1–5'),
  urgency: text(10).default(''),
  impact: text(10).default(''),
  state: z.string().regex(/^\d{1,2}$/, 'must be a state number'),
  assignment_group: text(200).default(''),
  cmdb_ci: text(200).default(''),
  sys_updated_on: text(40),
  sys_mod_count: z.string().regex(/^\d+$/, 'must be a number'),
  /** insert | update, from current.operation(). */
  operation: z.enum(['insert', 'update']).default('update'),
});
export type ServiceNowEvent = z.infer<typeof serviceNowEventSchema>;
