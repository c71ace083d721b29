import { auditRefusal } from './audit-from-api';
import type { CommandContext, CommandDeps, CommandReply } from './command-types';
import { DECISION_ACK_BUDGET_MS } from './respond';
import type { Command } from './slack/command-text';
import { DecisionRefusedError, UnknownIncidentError } from './workflow-gateway';

/** How long a typed decision may wait for a worker after its answer went out: Slack's response_url lives 30 minutes. */
export const DECISION_FOLLOW_UP_MS = 30 * 60_000;

const recorded = (choice: string, incidentNumber: string) => `:white_check_mark: Your decision (${choice}) on ${incidentNumber} was recorded.`;

/**
 * `/ops approve|reject INC…` typed as text, under the buttons' deadline: what is not accepted within
 * DECISION_ACK_BUDGET_MS is answered "recording" and confirmed (or refused) through the command's response_url once
 * a worker takes it. Without a response_url (a mention) the decision is still applied and the thread's decision
 * message shows it. Refusals are audited.
 */
export async function decideByText(
  deps: CommandDeps,
  ctx: CommandContext,
  command: Extract<Command, { kind: 'approve' | 'reject' }>,
  groups: string[],
  ackBudgetMs = DECISION_ACK_BUDGET_MS,
): Promise<CommandReply> {
  const decision = deps.gateway.decideForIncident(
    command.incidentNumber,
    { choice: command.kind, userId: ctx.userId, userName: ctx.userName, groups, source: ctx.source === 'mention' ? 'mention' : 'slash-command', comment: command.comment },
    DECISION_FOLLOW_UP_MS,
  );
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((r) => (timer = setTimeout(() => r('pending'), ackBudgetMs)));
  // Rejections are rethrown below for the command router to answer (unknown incident, refused decision).
  const outcome = await Promise.race([decision, pending]).finally(() => clearTimeout(timer));
  if (outcome !== 'pending') return { text: recorded(outcome.choice, command.incidentNumber) };

  const tell = (text: string) => {
    if (ctx.responseUrl && deps.respond) void deps.respond(ctx.responseUrl, { text, response_type: 'ephemeral', replace_original: false }).catch(() => undefined);
  };
  decision.then(
    (r) => tell(recorded(r.choice, command.incidentNumber)),
    async (err: unknown) => {
      if (err instanceof DecisionRefusedError) {
        await auditRefusal(deps.audit, ctx, { action: command.kind, reason: err.message, incidentNumber: command.incidentNumber }).catch(() => undefined);
        tell(`:no_entry: ${err.message}`);
      } else if (err instanceof UnknownIncidentError) tell(`OpsLoop has no open investigation for ${err.incidentNumber}.`);
      else tell(`:warning: Your decision on ${command.incidentNumber} could not be recorded; please try again.`);
    },
  );
  return { text: `:hourglass_flowing_sand: Recording your decision on ${command.incidentNumber}… I will confirm here.` };
}
