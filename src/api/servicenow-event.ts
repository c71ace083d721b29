import type { IncidentSnapshot } from '../contracts/investigation';
import type { ServiceNowEvent } from '../contracts/schemas/servicenow-event';

/** The investigation's view of a validated ServiceNow event. */
export function toIncidentSnapshot(e: ServiceNowEvent): IncidentSnapshot {
  return {
    sysId: e.sys_id,
    number: e.number,
    shortDescription: e.short_description,
    description: e.description,
    priority: e.priority,
    urgency: e.urgency,
    impact: e.impact,
    state: e.state,
    assignmentGroup: e.assignment_group,
    cmdbCi: e.cmdb_ci,
    sysUpdatedOn: e.sys_updated_on,
    sysModCount: Number(e.sys_mod_count),
  };
}
