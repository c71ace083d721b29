import { z } from 'zod';

/** An incident as OpsLoop sees it: the Table API's string values, references flattened to their value. */
export const incidentSchema = z.object({
  sys_id: z.string().min(1),
  number: z.string().min(1),
  short_description: z.string().default(''),
  state: z.string().min(1),
  priority: z.string().default(''),
  close_code: z.string().default(''),
  close_notes: z.string().default(''),
  sys_updated_on: z.string().default(''),
  sys_mod_count: z.string().default('0'),
});
export type Incident = z.infer<typeof incidentSchema>;
