import type { ApprovalRule, CommandName, Policy, Role } from './schema';
import { approvalRuleOf } from './route-for';

export interface Actor {
  userId: string;
  /** Slack user groups the person belongs to (resolved by the API). */
  groups: readonly string[];
  channelId?: string;
}

export type Action = { kind: 'command'; command: CommandName } | { kind: 'decide'; incidentPriority?: string };

export type Authorization = { allowed: true; roles: Role[] } | { allowed: false; reason: string };

/** The roles a person holds, from their user id and groups; admin implies every role. */
export function rolesOf(policy: Policy, actor: Pick<Actor, 'userId' | 'groups'>): Role[] {
  const held = (Object.keys(policy.roles) as Role[]).filter((role) => {
    const grant = policy.roles[role];
    return grant.users.includes(actor.userId) || grant.users.includes('*') || grant.groups.some((g) => actor.groups.includes(g));
  });
  if (held.includes('admin')) return ['viewer', 'operator', 'approver', 'admin'];
  // A route's approvers may use `/ops approve` and `/ops reject`; which incidents they may decide is the decision
  // request's own check (its route's approvers), made when they decide.
  const routeApprover = policy.routes.some((r) => r.approvers && (r.approvers.users.includes(actor.userId) || r.approvers.groups.some((g) => actor.groups.includes(g))));
  return routeApprover && !held.includes('approver') ? [...held, 'approver'] : held;
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, approver: 1, admin: 2 };

/** Whether the roles satisfy a requirement; operator includes viewer, admin includes all; approver is its own. */
const satisfies = (roles: Role[], needed: Role): boolean =>
  roles.includes(needed) || (needed === 'viewer' && roles.some((r) => ROLE_RANK[r] >= 1)) || roles.includes('admin');

const channelName = (id: string | undefined) => (id ? `<#${id}>` : 'this conversation');

/** The one authorization decision, used by every entry point (pure: no I/O). */
export function authorize(policy: Policy, actor: Actor, action: Action): Authorization {
  const roles = rolesOf(policy, actor);
  if (action.kind === 'decide') {
    return roles.includes('approver') ? { allowed: true, roles } : { allowed: false, reason: 'you need the approver role to decide' };
  }
  const { command } = action;
  const channel = policy.channels.find((c) => c.id === actor.channelId) ?? policy.channels.find((c) => c.id === '*');
  if (!channel) return { allowed: false, reason: `OpsLoop does not take commands in ${channelName(actor.channelId)}` };
  if (!channel.commands.includes('*') && !channel.commands.includes(command)) {
    return { allowed: false, reason: `\`/ops ${command}\` is not allowed in ${channelName(actor.channelId)}` };
  }
  const needed = policy.commands[command];
  if (!satisfies(roles, needed)) {
    return { allowed: false, reason: `you need the ${needed} role for \`/ops ${command}\` in ${channelName(actor.channelId)}` };
  }
  return { allowed: true, roles };
}

/** The approval rule of the policy's own `approvals` for an incident of this priority (routes may bring their own). */
export const approvalRuleFor = (policy: Policy, priority: string | undefined): ApprovalRule => approvalRuleOf(policy.approvals, priority);
