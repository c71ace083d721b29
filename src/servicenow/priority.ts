/** ServiceNow priorities: 1 Critical, 2 High, 3 Moderate, 4 Low, 5 Planning. */
export const PRIORITIES = ['1', '2', '3', '4', '5'] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * The impact and urgency OpsLoop writes for a priority it was asked for. ServiceNow computes `priority` from these two
 * with its priority lookup and ignores a written one, so this is the one place that turns a chosen priority into
 * fields: `/ops incident`, the sandbox console and seeds, and tests all go through it. Each pair gives its priority
 * under ServiceNow's default lookup rules; an instance with its own rules needs its own pairs here.
 */
const IMPACT_URGENCY: Readonly<Record<Priority, { impact: string; urgency: string }>> = {
  '1': { impact: '1', urgency: '1' },
  '2': { impact: '1', urgency: '2' },
  '3': { impact: '2', urgency: '2' },
  '4': { impact: '2', urgency: '3' },
  '5': { impact: '3', urgency: '3' },
};

export const impactUrgencyFor = (priority: Priority): { impact: string; urgency: string } => ({ ...IMPACT_URGENCY[priority] });

/** Returns the value as a Priority, or throws RangeError for anything but "1" … "5". */
export function parsePriority(value: string): Priority {
  if (!(PRIORITIES as readonly string[]).includes(value)) throw new RangeError(`ServiceNow priority must be 1 to 5, not ${JSON.stringify(value.slice(0, 20))}`);
  return value as Priority;
}
