import { SLACK_LIMITS } from '../clients/slack/limits';
import { renderMarkdown } from '../clients/slack/mrkdwn';
import { authorize } from '../policy/authorize';
import { COMMANDS, type CommandName } from '../policy/schema';
import { incidentModal, resolveModal } from './slack/modals';
import { usageText, type Command } from './slack/command-text';
import { auditFromApi, auditRefusal } from './audit-from-api';
import { DecisionRefusedError, UnknownActionError, UnknownIncidentError, type WorkflowGateway } from './workflow-gateway';
import { runbookCommand } from './runbook-command';
import { decideByText } from './decide-by-text';
import { onCallCommand } from './oncall-command';
import type { CommandContext, CommandDeps, CommandReply } from './command-types';
import { timelineOf } from '../timeline/timeline';
import { timelineForSlack } from '../timeline/render';

export type { CommandContext, CommandDeps, CommandReply };
export { auditFromApi };

const commandName = (c: Command): CommandName | undefined => (c.kind === 'invalid' ? undefined : c.kind);


/** How much of the findings `/ops status` shows: a glance, the thread has the rest. */
const STATUS_FINDINGS_CHARS = 600;

const statusText = (s: Awaited<ReturnType<WorkflowGateway['incidentStatus']>>): string => {
  const lines = [`${s.incidentNumber} · P${s.priority} · ${s.stage}${s.hasFindings ? ' · findings received' : ''}`];
  if (s.findingsSummary) lines.push(...renderMarkdown(s.findingsSummary, { maxChars: STATUS_FINDINGS_CHARS, tail: 'More in the incident thread.' }));
  if (s.pendingApproval) {
    const who = s.pendingApproval.approvers.filter((u) => u !== '*').map((u) => `<@${u}>`).join(', ') || 'any approver';
    lines.push(`Waiting for ${s.pendingApproval.requiredApprovals} approval(s) from ${who}.`);
  }
  return lines.join('\n');
};

/**
 * Runs one `/ops` command (typed or mentioned) for a verified Slack user: authorize, then one gateway call.
 * Denials are answered with the reason, change nothing, and are written to the audit trail.
 */
export async function runCommand(deps: CommandDeps, ctx: CommandContext, command: Command): Promise<CommandReply> {
  const groups = await deps.groupsOf(ctx.userId);
  return (await denial(deps, ctx, command, groups)) ?? executeCommand(deps, ctx, command, groups);
}

/** The refusal for a command this person may not run here (audited), or undefined when it is allowed. */
export async function denial(deps: CommandDeps, ctx: CommandContext, command: Command, groups: string[]): Promise<CommandReply | undefined> {
  const name = commandName(command);
  if (name) {
    const decision = authorize(deps.policy.current(), { userId: ctx.userId, groups, channelId: ctx.channelId }, { kind: 'command', command: name });
    if (!decision.allowed) {
      await auditRefusal(deps.audit, ctx, { action: name, reason: decision.reason, incidentNumber: 'incidentNumber' in command ? command.incidentNumber : undefined });
      return { text: `:no_entry: Not allowed: ${decision.reason}.`, denied: true };
    }
  }
  return undefined;
}

async function executeCommand(deps: CommandDeps, ctx: CommandContext, command: Command, groups: string[]): Promise<CommandReply> {
  const policy = deps.policy.current();
  const actor = { userId: ctx.userId, groups, channelId: ctx.channelId };
  const allowedCommands = () => COMMANDS.filter((c) => authorize(policy, actor, { kind: 'command', command: c }).allowed);

  try {
    switch (command.kind) {
      case 'help':
        return { text: usageText(allowedCommands()) };
      case 'invalid':
        return { text: `${command.problem}\n${usageText(allowedCommands())}` };
      case 'status':
        return { text: statusText(await deps.gateway.incidentStatus(command.incidentNumber)) };
      case 'jobs': {
        const jobs = await deps.gateway.jobs(ctx.channelId, ctx.userId);
        if (jobs.length === 0) return { text: 'No OpsLoop runs in this channel or by you yet.' };
        return { text: ['*Recent runs*', ...jobs.map((j) => `\`${j.workflowId}\` · ${j.type} · ${j.status.toLowerCase()}${j.stage ? ` · ${j.stage}` : ''}`)].join('\n') };
      }
      case 'investigate':
        await deps.gateway.investigate(command.incidentNumber, ctx.userId);
        return { text: `:mag: Investigating ${command.incidentNumber}; its thread opens in the incident channel.` };
      case 'approve':
      case 'reject':
        return await decideByText(deps, ctx, command, groups);
      case 'audit': {
        const rows = await deps.audit.list({ incidentNumber: command.incidentNumber, limit: 20 });
        if (rows.length === 0) return { text: `No audit entries for ${command.incidentNumber}.` };
        return {
          text: [`*Audit trail of ${command.incidentNumber}* (latest ${rows.length})`, ...rows.map((r) => `${r.at} · ${r.actorId ? `<@${r.actorId}>` : 'OpsLoop'} · ${r.action}${r.decision ? ` ${r.decision}` : ''} · ${r.result}${r.reason ? ` (${r.reason.slice(0, 80)})` : ''}`)].join('\n'),
        };
      }
      case 'timeline': {
        const timeline = timelineOf(command.incidentNumber, await deps.audit.list({ incidentNumber: command.incidentNumber }));
        if (!timeline) return { text: `No investigation of ${command.incidentNumber} in the audit trail.` };
        return { text: timelineForSlack(timeline, SLACK_LIMITS.messageText) };
      }
      case 'incident':
        if (!ctx.triggerId || !deps.slack) return { text: 'Open incidents with `/ops incident` (it needs a form, so not from a mention).' };
        await deps.slack.openView(ctx.triggerId, incidentModal(ctx.channelId));
        return { text: '' };
      case 'actions':
      case 'run':
        return runbookCommand(deps, ctx, command, groups);
      case 'oncall':
        return await onCallCommand(deps, command.route);
      case 'cancel':
        return { text: `:octagonal_sign: Cancelling \`${await deps.gateway.cancelAction(command.id, ctx.userId)}\`…` };
      case 'resolve': {
        if (!command.notes && ctx.triggerId && deps.slack) {
          await deps.slack.openView(ctx.triggerId, resolveModal(command.incidentNumber, ctx.channelId, ctx.responseUrl));
          return { text: '' };
        }
        await deps.gateway.requestResolution(command.incidentNumber, {
          slackUserId: ctx.userId,
          slackUserName: ctx.userName,
          channelId: ctx.channelId,
          responseUrl: ctx.responseUrl,
          replyIn: ctx.thread,
          eventId: ctx.eventId,
          text: ctx.text,
          source: ctx.source,
          closeNotes: command.notes,
        });
        return { text: `:hourglass_flowing_sand: Resolving ${command.incidentNumber}… I'll reply here when ServiceNow confirms.` };
      }
    }
  } catch (err) {
    if (err instanceof UnknownIncidentError) return { text: `OpsLoop has no open investigation for ${err.incidentNumber}.` };
    if (err instanceof UnknownActionError) return { text: `:grey_question: ${err.message}.` };
    if (err instanceof DecisionRefusedError) {
      await auditRefusal(deps.audit, ctx, { action: command.kind, reason: err.message, incidentNumber: 'incidentNumber' in command ? command.incidentNumber : undefined });
      return { text: `:no_entry: ${err.message}`, denied: true };
    }
    throw err;
  }
}
