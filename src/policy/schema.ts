import { z } from 'zod';
import { approvalRuleSchema, approvalsSchema, grantSchema, routesSchema, slackChannelId } from './route-schema';

export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Every command OpsLoop knows, as it appears after `/ops`. */
export const COMMANDS = ['help', 'status', 'jobs', 'investigate', 'resolve', 'incident', 'approve', 'reject', 'audit', 'actions', 'run', 'cancel', 'oncall', 'timeline'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** Commands added after the first policy files were written: defaults keep those files valid. */
const LATER_COMMAND_DEFAULTS: Partial<Record<string, Role>> = { actions: 'viewer', run: 'operator', cancel: 'operator', oncall: 'viewer', timeline: 'viewer' };

/** A command's role; a command left out of `commands:` is reported as missing, not as a wrong value. */
const commandRole = (command: CommandName) =>
  z.enum(ROLES, {
    error: (issue) => (issue.input === undefined ? `missing: say which role ${command} needs (viewer, operator, approver or admin)` : undefined),
  });

/** The authorization policy (OPSLOOP_POLICY_FILE), YAML or JSON. */
export const policySchema = z.strictObject({
  version: z.literal(1),
  roles: z.strictObject(Object.fromEntries(ROLES.map((r) => [r, grantSchema.default({ users: [], groups: [] })])) as Record<Role, z.ZodDefault<typeof grantSchema>>),
  /** Channels where OpsLoop takes commands; "*" allows any. Each may narrow the commands allowed there. */
  channels: z
    .array(
      z.strictObject({
        id: z.union([slackChannelId, z.literal('*')]),
        commands: z.array(z.union([z.enum(COMMANDS), z.literal('*')])).default(['*']),
      }),
    )
    .min(1, 'list at least one channel (or "*")'),
  /** The role each command needs; admins may run everything. */
  commands: z.strictObject(
    Object.fromEntries(COMMANDS.map((c) => [c, c in LATER_COMMAND_DEFAULTS ? commandRole(c).default(LATER_COMMAND_DEFAULTS[c]!) : commandRole(c)])) as Record<
      CommandName,
      z.ZodEnum<{ [K in Role]: K }>
    >,
  ),
  approvals: approvalsSchema,
  /**
   * Where each incident goes (first match wins): its channel, approvers, rules, escalation and on-call. An incident no
   * route takes uses SLACK_INCIDENT_CHANNEL and the settings above, under the name "default".
   */
  routes: routesSchema,
});
export type Policy = z.infer<typeof policySchema>;
export type ApprovalRule = z.infer<typeof approvalRuleSchema>;
