import { createHash, randomBytes } from 'node:crypto';
import type { RunbookActionInput } from '../contracts/runbook';
import { rolesOf } from '../policy/authorize';
import { EMPTY_CATALOG } from '../runbook/load-catalog';
import { ParamError, parseParams, usageOf } from '../runbook/params';
import { describePlan, planAction } from '../runbook/plan';
import { auditRefusal } from './audit-from-api';
import type { CommandContext, CommandDeps, CommandReply } from './command-types';
import type { Command } from './slack/command-text';

const ROLE_OK = (held: string[], needed: string) => held.includes(needed) || held.includes('admin') || (needed === 'viewer' && held.length > 0);

/** `/ops actions` and `/ops run <action> …`: parameters are validated before anything starts; nothing reaches a shell. */
export async function runbookCommand(
  deps: CommandDeps,
  ctx: CommandContext,
  command: Extract<Command, { kind: 'actions' | 'run' }>,
  groups: string[],
): Promise<CommandReply> {
  const catalog = deps.catalog?.() ?? EMPTY_CATALOG;
  const policy = deps.policy.current();
  const roles = rolesOf(policy, { userId: ctx.userId, groups });
  const mayRun = catalog.actions.filter((a) => ROLE_OK(roles, a.role));

  if (command.kind === 'actions') {
    if (mayRun.length === 0) return { text: 'There are no runbook actions you may run.' };
    return { text: ['*Runbook actions you may run*', ...mayRun.map(usageOf)].join('\n') };
  }
  // Every refusal is audited, with the reason the person is shown.
  const refuse = async (text: string, reason: string): Promise<CommandReply> => {
    await auditRefusal(deps.audit, ctx, { action: 'run', reason });
    return { text, denied: true };
  };
  const action = catalog.actions.find((a) => a.name === command.action);
  const named = `\`${command.action.slice(0, 40)}\``;
  if (!action) return refuse(`:grey_question: There is no action ${named}. See \`/ops actions\`.`, `there is no action ${named}`);
  if (!ROLE_OK(roles, action.role)) return refuse(`:no_entry: Not allowed: you need the ${action.role} role to run \`${action.name}\`.`, `you need the ${action.role} role to run \`${action.name}\``);
  let params: Record<string, string>;
  try {
    params = parseParams(action, command.args, catalog);
  } catch (err) {
    if (err instanceof ParamError) return refuse(`:no_entry: ${err.message}. Nothing was run.\nUsage: ${usageOf(action)}`, `${action.name}: ${err.message}`);
    throw err;
  }
  const plan = planAction(action, params, catalog);
  const approvers = [...new Set([...policy.roles.approver.users, ...policy.roles.admin.users])];
  const approverGroups = [...new Set([...policy.roles.approver.groups, ...policy.roles.admin.groups])];
  if (command.dryRun) {
    return {
      text: [
        `*Dry run of \`${action.name}\`* (nothing was run)`,
        `Would execute: \`${describePlan(plan)}\``,
        `Timeout: ${Math.round(action.timeoutMs / 1000)} s · approval: ${action.approval === 'none' ? 'none' : action.approval === 'two' ? 'two approvers' : 'one approver'}`,
      ].join('\n'),
    };
  }
  // A mention's id comes from its event_id, so Slack redelivering the event (even while the first delivery is still
  // running) joins the same action instead of starting a second one.
  const shortId = ctx.eventId ? createHash('sha256').update(`slack-event/${ctx.eventId}`).digest('hex').slice(0, 8) : randomBytes(4).toString('hex');
  const workflowId = `action/${action.name}/${shortId}`;
  const input: RunbookActionInput = {
    actionName: action.name,
    params,
    plan,
    timeoutMs: action.timeoutMs,
    requestedBy: ctx.userId,
    channelId: ctx.channelId,
    approval: { level: action.approval, approvers, approverGroups, expiryMs: action.approvalExpiryMs },
  };
  await deps.gateway.startAction(workflowId, input);
  return { text: `:gear: Started \`${workflowId}\`${action.approval === 'none' ? '' : ' (waiting for approval)'}; the result goes to its thread.` };
}
