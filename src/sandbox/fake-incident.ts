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
  assignment_group: string;
  cmdb_ci: string;
  /** References to sys_user: sys_ids ('' when empty). */
  caller_id: string;
  opened_by: string;
  resolved_by: string;
  close_code: string;
  close_notes: string;
  sys_updated_on: string;
  sys_mod_count: string;
  /** Journal entries; the Table API returns "" for journal fields on a plain GET. */
  work_notes: string[];
}
