// Workflow-safe: plain types and constants only (no zod). What a workflow hands the paging activities and gets back:
// a route's NAME and a level, never its routing key or escalation policy, so neither reaches a workflow history.

export type PageAction = 'trigger' | 'acknowledge' | 'resolve';
export type PageSeverity = 'critical' | 'error' | 'warning' | 'info';

export interface PageOnCallInput {
  incidentNumber: string;
  /** A route name from the configuration; the activity resolves its routing key when it runs. */
  route: string;
  /** Escalation level paged (1 = first responders); one alert per incident and level. */
  level: number;
  action: PageAction;
  /** Required to trigger (cut to PagerDuty's 1,024 characters); ignored by acknowledge and resolve. */
  summary?: string;
  /** Required to trigger. */
  severity?: PageSeverity;
  /** Shown on the alert, e.g. the Slack thread and the ServiceNow incident. */
  links?: { href: string; text?: string }[];
}

/** `at`: when PagerDuty accepted the event (ISO 8601, the worker's clock), for the thread to say. */
export type PageOnCallResult = { paged: true; dedupKey: string; level: number; at: string } | { paged: false; reason: string };

/** One person on call at one level, as a workflow or Slack may show it. */
export interface OnCallPerson {
  level: number;
  userName: string;
  userId: string;
  htmlUrl?: string;
  /** ISO 8601; undefined: a permanent on-call. */
  until?: string;
}

export type WhoIsOnCallResult = { found: true; route: string; entries: OnCallPerson[] } | { found: false; reason: string };

/** The alert of an incident at a level: derived from nothing else, so a retried page after a lost answer names the same alert. */
export const pageDedupKey = (incidentNumber: string, level: number): string => `opsloop/${incidentNumber}/level-${level}`;

/** PagerDuty's severity for a ServiceNow priority ("1" … "5"): P1 critical, P2 error, P3 warning, lower info. */
export const severityForPriority = (priority: string): PageSeverity =>
  priority === '1' ? 'critical' : priority === '2' ? 'error' : priority === '3' ? 'warning' : 'info';
