import { z } from 'zod';

export const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id like U0123ABC');
export const slackGroupId = z.string().regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user-group id like S0123ABC');
export const slackChannelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a Slack channel id like C0123ABC');
export const servicenowPriority = z.string().regex(/^[1-5]$/, 'priorities are "1" to "5"');

export const grantSchema = z.strictObject({
  /** Slack user ids; "*" grants the role to everyone in the workspace. */
  users: z.array(z.union([slackUserId, z.literal('*')])).default([]),
  groups: z.array(slackGroupId).default([]),
});

export const approvalRuleSchema = z.strictObject({
  /** Distinct approvers needed. */
  approvals: z.number().int().min(1).max(5).default(1),
  /** Whether the person who asked may also approve. */
  requesterMayApprove: z.boolean().default(false),
});

export const approvalsSchema = z.strictObject({
  default: approvalRuleSchema,
  /** By ServiceNow priority ("1" … "5"); the stricter of this and the default applies. */
  byPriority: z.record(servicenowPriority, approvalRuleSchema).default({}),
});

/** A PagerDuty routing key, or `${NAME}`: read from the worker's environment when a page is sent, so it stays out of files and histories. */
const routingKey = z.string().regex(/^(\$\{[A-Z][A-Z0-9_]*\}|[a-zA-Z0-9]{32})$/, 'must be a 32-character PagerDuty routing key or ${ENV_NAME}');

export const onCallSchema = z.strictObject({
  /** Events API v2 routing key of the route's on-call service (level 1). */
  routingKey,
  /** Routing keys of the next levels, paged in turn by Escalate. */
  escalationRoutingKeys: z.array(routingKey).max(4).default([]),
  /** The escalation policy `/ops oncall` and the decision message read who is on call from (PagerDuty id, P…). */
  escalationPolicyId: z.string().regex(/^P[A-Z0-9]{5,}$/, 'must be a PagerDuty escalation policy id like PABC123').optional(),
  /** Priorities up to this one page as soon as a decision is asked; the others when it waits a reminder interval. */
  pageAtOnceUpTo: servicenowPriority.default('1'),
});

export const routeSchema = z.strictObject({
  /** Named in /ops oncall, the OpsRoute search attribute and the metrics. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lowercase letters, digits and dashes (at most 40)'),
  /**
   * Which incidents the route takes; every listed criterion must match, a missing one matches anything (an empty
   * match is a default route). Assignment groups and CIs are compared by name, ignoring case.
   */
  match: z
    .strictObject({
      assignmentGroups: z.array(z.string().min(1)).min(1).optional(),
      cis: z.array(z.string().min(1)).min(1).optional(),
      priorities: z.array(servicenowPriority).min(1).optional(),
    })
    .default({}),
  /** Where the route's incident threads open. */
  channel: slackChannelId,
  /** Who may decide the route's incidents; absent: the policy's approver and admin roles. */
  approvers: grantSchema.optional(),
  /** The route's approval rules; absent: the policy's `approvals`. */
  approvals: approvalsSchema.optional(),
  /** Priorities up to this one open a thread and ask the agent; the others stay in ServiceNow. */
  investigateUpTo: servicenowPriority.default('5'),
  /** Mentioned on reminders and escalations, e.g. "<!subteam^S0123>"; absent: OPSLOOP_ESCALATION_TARGET. */
  escalationTarget: z.string().min(1).optional(),
  /** How long a decision waits before a reminder (and a page); absent: OPSLOOP_APPROVAL_REMINDER_MS. */
  reminderIntervalMs: z.number().int().min(1000).optional(),
  oncall: onCallSchema.optional(),
});

export const routesSchema = z
  .array(routeSchema)
  .default([])
  .superRefine((routes, ctx) => {
    const seen = new Set<string>();
    routes.forEach((route, i) => {
      if (seen.has(route.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${route.name}" is named twice; route names must be unique` });
      seen.add(route.name);
    });
  });

export type Route = z.infer<typeof routeSchema>;
export type OnCall = z.infer<typeof onCallSchema>;
