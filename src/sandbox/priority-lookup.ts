/**
 * ServiceNow's default priority lookup rules (the `dl_u_priority` data lookup), keyed `impact:urgency`, 1 High … 3 Low.
 * On a real instance `priority` is computed from these on insert and update; a written priority does not stick.
 * https://www.servicenow.com/docs/r/it-service-management/incident-management/def-prio-lookup-rules.html
 * (the table itself: https://www.servicenow.com/community/itsm-blog/managing-incident-priority/ba-p/2294101)
 */
const DEFAULT_PRIORITY_LOOKUP: Readonly<Record<string, string>> = {
  '1:1': '1',
  '1:2': '2',
  '1:3': '3',
  '2:1': '2',
  '2:2': '3',
  '2:3': '4',
  '3:1': '3',
  '3:2': '4',
  '3:3': '5',
};

/** The priority the default lookup gives; undefined when no rule matches (the instance then leaves priority as it was). */
export const lookupPriority = (impact: string, urgency: string): string | undefined => DEFAULT_PRIORITY_LOOKUP[`${impact}:${urgency}`];
