import type { Request, Response } from 'express';
import { denial, runCommand, type CommandDeps, type CommandContext } from '../commands';
import { readJsonBody } from '../middleware/json-body';
import type { MentionRequest } from '../../contracts/slack-mention';
import { parseCommandText, type Command } from '../slack/command-text';
import { slackEventSchema } from '../slack/payloads';

/** `<@U123ABC> resolve INC0010001` → `resolve INC0010001`. */
const withoutMentions = (text: string): string => text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ').trim();

/**
 * Parses a mention; an incident command without a number, inside an incident's thread, is about that incident (its
 * root message's metadata names it). When Slack cannot be asked, the command stays without one and says so.
 */
async function parseInThread(deps: CommandDeps, text: string, channel: string, threadTs: string | undefined): Promise<Command> {
  const command = parseCommandText('/ops', text);
  if (command.kind !== 'invalid' || !command.lacksIncident || !threadTs || !deps.slack) return command;
  const incidentNumber = await deps.slack.threadIncident(channel, threadTs).catch(() => undefined);
  return incidentNumber ? parseCommandText('/ops', text, { incidentNumber }) : command;
}

/**
 * POST /slack/events: the URL check, and `app_mention` routed like a slash command (same parser, same
 * authorization). Each event runs as its own workflow keyed by event_id, so Slack's retries (X-Slack-Retry-Num)
 * are acknowledged without acting twice; that workflow posts the answer in the thread.
 */
export function slackEventsRoute(deps: CommandDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = readJsonBody(req, res.locals.rawBody as Buffer, slackEventSchema);
    if (body.type === 'url_verification') {
      res.json({ challenge: body.challenge });
      return;
    }
    const { event } = body;
    if (event.type !== 'app_mention' || event.bot_id || !event.user || !event.channel || !event.ts) {
      res.status(200).end();
      return;
    }
    const thread = { channel: event.channel, ts: event.thread_ts ?? event.ts };
    const ctx: CommandContext = { source: 'mention', userId: event.user, channelId: event.channel, text: event.text, thread, eventId: body.event_id };
    const text = withoutMentions(event.text);
    try {
      const command = await parseInThread(deps, text, event.channel, event.thread_ts);
      const groups = await deps.groupsOf(event.user);
      const refused = await denial(deps, ctx, command, groups);
      // resolve and status are carried out by the mention's workflow; everything else is answered here.
      const request: MentionRequest =
        !refused && command.kind === 'resolve'
          ? { kind: 'resolve', incidentNumber: command.incidentNumber, ...(command.notes ? { closeNotes: command.notes } : {}) }
          : !refused && command.kind === 'status'
            ? { kind: 'status', incidentNumber: command.incidentNumber }
            : { kind: 'reply', text: (refused ?? (await runCommand(deps, ctx, command))).text };
      const outcome = await deps.gateway.handleMention({ eventId: body.event_id, userId: event.user, channel: event.channel, threadTs: thread.ts, request });
      req.log?.info({ eventId: body.event_id, outcome, retry: req.get('x-slack-retry-num') }, 'app_mention');
      res.status(200).end();
    } catch (err) {
      // Not recorded: let Slack retry (it will, up to three times).
      req.log?.error({ err, eventId: body.event_id }, 'could not hand the mention to Temporal');
      res.status(503).end();
    }
  };
}
