import type { Request, Response } from 'express';
import type { MentionRequest } from '../../contracts/slack-mention';
import { readJsonBody } from '../middleware/json-body';
import { USAGE, parseCommandText } from '../slack/command-text';
import { slackEventSchema } from '../slack/payloads';
import type { WorkflowGateway } from '../workflow-gateway';

/** `<@U123ABC> resolve INC0010001` → `resolve INC0010001`. */
const withoutMentions = (text: string): string => text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ').trim();

function toMentionRequest(text: string): MentionRequest {
  const command = parseCommandText('/ops', withoutMentions(text));
  switch (command.kind) {
    case 'resolve':
    case 'status':
      return command;
    case 'help':
      return { kind: 'reply', text: USAGE };
    case 'invalid':
      return { kind: 'reply', text: `${command.problem}\n${USAGE}` };
  }
}

/**
 * POST /slack/events: the URL check, and `app_mention` routed like a slash command. Each event runs as its own
 * workflow keyed by event_id, so Slack's retries (X-Slack-Retry-Num) are acknowledged without acting twice.
 */
export function slackEventsRoute(gateway: WorkflowGateway) {
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
    try {
      const outcome = await gateway.handleMention({
        eventId: body.event_id,
        userId: event.user,
        channel: event.channel,
        threadTs: event.thread_ts ?? event.ts,
        request: toMentionRequest(event.text),
      });
      req.log?.info({ eventId: body.event_id, outcome, retry: req.get('x-slack-retry-num') }, 'app_mention');
      res.status(200).end();
    } catch (err) {
      // Not recorded: let Slack retry (it will, up to three times).
      req.log?.error({ err, eventId: body.event_id }, 'could not hand the mention to Temporal');
      res.status(503).end();
    }
  };
}
