import type { IncidentReferenceField } from './servicenow-tables';

/** An incident record as the fake ServiceNow keeps it: the Table API's field names, every value a string. */
export interface FakeIncident {
  sys_id: string;
  number: string;
  short_description: string;
  description: string;
  priority: string;
  urgency: string;
  impact: string;
  state: string;
  /** Reference fields hold the sys_id of the referenced record (sys_user_group, cmdb_ci, sys_user). */
  assignment_group: string;
  cmdb_ci: string;
  caller_id: string;
  opened_by: string;
  resolved_by: string;
  close_code: string;
  close_notes: string;
  sys_created_on: string;
  sys_updated_on: string;
  /** user_name of whoever made the last change. */
  sys_updated_by: string;
  sys_mod_count: string;
  /** Journal entries; the Table API returns "" for journal fields on a plain GET. */
  work_notes: string[];
  /** What the form shows in each reference field (the referenced record's display value), kept with every write. */
  display: Record<IncidentReferenceField, string>;
}
