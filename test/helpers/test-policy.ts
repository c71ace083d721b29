import type { Policy } from '../../src/policy/schema';

/** Users the test policy lets approve; U0ADMIN is an admin. */
export const APPROVERS = ['U0APPROVER1', 'U0APPROVER2'];
export const ADMIN = 'U0ADMIN';

/** The policy tests run under unless they bring their own: everyone operates anywhere, P1 needs two approvers. */
export const testPolicy = (overrides: Partial<Policy> = {}): Policy => ({
  version: 1,
  roles: {
    viewer: { users: [], groups: [] },
    operator: { users: ['*'], groups: [] },
    approver: { users: APPROVERS, groups: [] },
    admin: { users: [ADMIN], groups: [] },
  },
  channels: [{ id: '*', commands: ['*'] }],
  commands: { help: 'viewer', status: 'viewer', jobs: 'viewer', investigate: 'operator', resolve: 'operator', incident: 'operator', approve: 'approver', reject: 'approver', audit: 'admin', actions: 'viewer', run: 'operator', cancel: 'operator', oncall: 'viewer', timeline: 'viewer' },
  approvals: { default: { approvals: 1, requesterMayApprove: false }, byPriority: { '1': { approvals: 2, requesterMayApprove: false } } },
  routes: [],
  ...overrides,
});
