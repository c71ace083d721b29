import type { ApprovalRule, Policy } from './schema';
import type { Route } from './route-schema';
import type { RouteKey } from '../contracts/investigation';

/** The name of the settings an incident no route takes: SLACK_INCIDENT_CHANNEL and the policy's approvers and rules. */
export const DEFAULT_ROUTE = 'default';

export type { RouteKey };

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const anyNamed = (names: string[] | undefined, value: string) => !names || names.some((n) => sameName(n, value));

/** The first route whose every criterion matches the incident, or undefined for the default settings. */
export function routeFor(policy: Policy, key: RouteKey): Route | undefined {
  return policy.routes.find(
    ({ match }) => anyNamed(match.assignmentGroups, key.assignmentGroup) && anyNamed(match.cis, key.cmdbCi) && (!match.priorities || match.priorities.includes(key.priority)),
  );
}

export const routeNameOf = (route: Route | undefined): string => route?.name ?? DEFAULT_ROUTE;

/** The route named so (the default route's name gives undefined). */
export const routeNamed = (policy: Policy, name: string): Route | undefined => policy.routes.find((r) => r.name === name);

/**
 * Whether OpsLoop opens a thread and asks the agent for this incident: its priority is within its route's threshold.
 * A priority ServiceNow did not give (or not 1–5) is investigated: nothing is dropped on a value OpsLoop cannot read.
 */
export function investigates(policy: Policy, key: RouteKey): boolean {
  const route = routeFor(policy, key);
  const priority = Number(key.priority);
  return !route || !Number.isInteger(priority) || priority < 1 || priority > 5 || priority <= Number(route.investigateUpTo);
}

/** The approval rule for an incident of this priority: the stricter of the default and the priority's rule. */
export function approvalRuleOf(approvals: Policy['approvals'], priority: string | undefined): ApprovalRule {
  const base = approvals.default;
  const specific = priority ? approvals.byPriority[priority] : undefined;
  if (!specific) return base;
  return {
    approvals: Math.max(base.approvals, specific.approvals),
    requesterMayApprove: base.requesterMayApprove && specific.requesterMayApprove,
  };
}

/** Who decides an incident of this route and priority, and how many of them. */
export function approversFor(policy: Policy, route: Route | undefined, priority: string | undefined) {
  const rule = approvalRuleOf(route?.approvals ?? policy.approvals, priority);
  const grant = route?.approvers ?? {
    users: [...new Set([...policy.roles.approver.users, ...policy.roles.admin.users])],
    groups: [...new Set([...policy.roles.approver.groups, ...policy.roles.admin.groups])],
  };
  return { approvers: [...grant.users], approverGroups: [...grant.groups], requiredApprovals: rule.approvals, requesterMayApprove: rule.requesterMayApprove };
}

/**
 * A route's on-call target at an escalation level, as configuration writes it (a routing key may be `${NAME}`, read by
 * the paging activity when it pages). Past the last configured level, the last one is paged again.
 */
export function onCallTargetOf(policy: Policy, name: string, level: number): { routingKey: string; escalationPolicyId?: string } | undefined {
  const oncall = routeNamed(policy, name)?.oncall;
  if (!oncall || level < 1) return undefined;
  const keys = [oncall.routingKey, ...oncall.escalationRoutingKeys];
  return { routingKey: keys[Math.min(level, keys.length) - 1]!, escalationPolicyId: oncall.escalationPolicyId };
}
