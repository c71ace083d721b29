import type { Route } from './route-schema';
import type { Policy } from './schema';

/**
 * The permissive policy `npm start` uses when no OPSLOOP_POLICY_FILE is set: everyone is an operator in any
 * channel; the demo users approve. `routes` send incidents to channels (and on-calls) of their own; none: every
 * incident opens in SLACK_INCIDENT_CHANNEL.
 */
export function sandboxPolicy(approvers: string[], admins: string[] = approvers, routes: readonly Route[] = []): Policy {
  return {
    version: 1,
    roles: {
      viewer: { users: [], groups: [] },
      operator: { users: ['*'], groups: [] },
      approver: { users: approvers, groups: [] },
      admin: { users: admins, groups: [] },
    },
    channels: [{ id: '*', commands: ['*'] }],
    commands: {
      help: 'viewer',
      status: 'viewer',
      jobs: 'viewer',
      investigate: 'viewer',
      resolve: 'viewer',
      incident: 'viewer',
      approve: 'approver',
      reject: 'approver',
      audit: 'admin',
      actions: 'viewer',
      run: 'viewer',
      cancel: 'viewer',
      oncall: 'viewer',
      timeline: 'viewer',
    },
    approvals: { default: { approvals: 1, requesterMayApprove: true }, byPriority: {} },
    routes: [...routes],
  };
}
