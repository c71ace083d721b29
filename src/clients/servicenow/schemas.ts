import { z } from 'zod';
import { incidentSchema } from '../../contracts/schemas/incident';

/** The fields OpsLoop reads; asking for fewer keeps answers small (a full incident has ~80 fields). */
export const INCIDENT_FIELDS = Object.keys(incidentSchema.shape).join(',');

export const incidentListResponseSchema = z.object({ result: z.array(incidentSchema) });
export const incidentResponseSchema = z.object({ result: incidentSchema });

/** The fields an investigation needs, as the reconcile schedule reads them (references as display values). */
export const SNAPSHOT_FIELDS = 'sys_id,number,short_description,description,priority,urgency,impact,state,assignment_group,cmdb_ci,sys_updated_on,sys_mod_count';

const displayed = z.union([z.string(), z.object({ display_value: z.string().optional(), value: z.string().optional() })]).transform((v) =>
  typeof v === 'string' ? v : (v.display_value ?? v.value ?? ''),
);

export const snapshotListResponseSchema = z.object({
  result: z.array(
    z.object({
      sys_id: z.string(),
      number: z.string(),
      short_description: z.string().default(''),
      description: z.string().default(''),
      priority: z.string().default(''),
      urgency: z.string().default(''),
      impact: z.string().default(''),
      state: z.string(),
      assignment_group: displayed.default(''),
      cmdb_ci: displayed.default(''),
      sys_updated_on: z.string().default(''),
      sys_mod_count: z.coerce.number().default(0),
    }),
  ),
});
