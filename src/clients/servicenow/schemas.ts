import { z } from 'zod';
import type { IncidentSnapshot } from '../../contracts/investigation';
import { incidentSchema, type Incident } from '../../contracts/schemas/incident';

/**
 * OpsLoop reads with `sysparm_display_value=all`: every field is `{ value, display_value }` (a reference also has a
 * `link` unless excluded). It keeps the database value of every field but references, whose display value (the
 * group's or the CI's name) is what the Business Rule sends; so an incident read here and one posted by the rule
 * become the same snapshot. https://www.servicenow.com/docs/r/api-reference/rest-apis/c_TableAPI.html
 */
export const DISPLAY_VALUES = 'all';

const field = z
  .union([z.string(), z.object({ value: z.string().optional(), display_value: z.string().optional() })])
  .optional()
  .transform((v) => (typeof v === 'string' ? { value: v, display: v } : { value: v?.value ?? '', display: v?.display_value ?? v?.value ?? '' }));
const value = field.transform((f) => f.value);
const display = field.transform((f) => f.display);

/** The fields OpsLoop reads; asking for fewer keeps answers small (a full incident has ~80 fields). */
export const INCIDENT_FIELDS = Object.keys(incidentSchema.shape).join(',');

const incidentRecord = z.object({
  sys_id: value.pipe(z.string().min(1)),
  number: value.pipe(z.string().min(1)),
  short_description: value,
  state: value.pipe(z.string().min(1)),
  priority: value,
  close_code: value,
  close_notes: value,
  sys_updated_on: value,
  sys_mod_count: value.transform((v) => v || '0'),
}) satisfies z.ZodType<Incident, unknown>;

export const incidentListResponseSchema = z.object({ result: z.array(incidentRecord) });
export const incidentResponseSchema = z.object({ result: incidentRecord });

/** The fields an investigation needs, as the reconcile schedule and `/ops investigate` read them. */
export const SNAPSHOT_FIELDS = 'sys_id,number,short_description,description,priority,urgency,impact,state,assignment_group,cmdb_ci,sys_updated_on,sys_mod_count';

const snapshotRecord = z
  .object({
    sys_id: value.pipe(z.string().min(1)),
    number: value.pipe(z.string().min(1)),
    short_description: value,
    description: value,
    priority: value,
    urgency: value,
    impact: value,
    state: value.pipe(z.string().min(1)),
    assignment_group: display,
    cmdb_ci: display,
    sys_updated_on: value,
    sys_mod_count: value.pipe(z.coerce.number()),
  })
  .transform(
    (r): IncidentSnapshot => ({
      sysId: r.sys_id,
      number: r.number,
      shortDescription: r.short_description,
      description: r.description,
      priority: r.priority,
      urgency: r.urgency,
      impact: r.impact,
      state: r.state,
      assignmentGroup: r.assignment_group,
      cmdbCi: r.cmdb_ci,
      sysUpdatedOn: r.sys_updated_on,
      sysModCount: r.sys_mod_count,
    }),
  );

export const snapshotListResponseSchema = z.object({ result: z.array(snapshotRecord) });

/** A configuration item looked up by name. */
export const sysIdListResponseSchema = z.object({ result: z.array(z.object({ sys_id: value })) });

/** The work notes journal: "" as a value, the journal (newest entry first) as the display value. */
export const workNotesResponseSchema = z.object({ result: z.object({ work_notes: display }) });
