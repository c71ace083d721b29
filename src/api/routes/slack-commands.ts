import type { Request, Response } from 'express';
import { SLASH_COMMANDS, USAGE, parseCommandText } from '../slack/command-text';
import { slashCommandSchema } from '../slack/payloads';
import { BadRequestError, readFormBody } from '../middleware/form-body';
import { UnknownIncidentError, type WorkflowGateway } from '../workflow-gateway';

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });

/** POST /slack/commands: verified upstream; parse → route → one gateway call → answer within Slack's 3 s. */
export function slackCommandsRoute(gateway: WorkflowGateway) {
  return async (req: Request, res: Response): Promise<void> => {
    const form = readFormBody(req, res.locals.rawBody as Buffer);
    const parsed = slashCommandSchema.safeParse(form);
    if (!parsed.success) {
      throw new BadRequestError(400, `malformed slash command: ${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')}`);
    }
    const cmd = parsed.data;
    if (!(SLASH_COMMANDS as readonly string[]).includes(cmd.command)) {
      res.json(ephemeral(`OpsLoop does not handle ${cmd.command}.\n${USAGE}`));
      return;
    }
    const command = parseCommandText(cmd.command, cmd.text);
    switch (command.kind) {
      case 'help':
        res.json(ephemeral(USAGE));
        return;
      case 'invalid':
        res.json(ephemeral(`${command.problem}\n${USAGE}`));
        return;
      case 'status': {
        try {
          const status = await gateway.incidentStatus(command.incidentNumber);
          res.json(ephemeral(`${status.incidentNumber} · P${status.priority} · ${status.stage}${status.hasFindings ? ' · findings received' : ''}`));
        } catch (err) {
          if (!(err instanceof UnknownIncidentError)) req.log?.error({ err }, 'status query failed');
          res.json(ephemeral(err instanceof UnknownIncidentError ? `OpsLoop has no open investigation for ${command.incidentNumber}.` : ':warning: OpsLoop could not read the status right now; please try again.'));
        }
        return;
      }
      case 'resolve': {
        try {
          await gateway.requestResolution(command.incidentNumber, {
            slackUserId: cmd.user_id,
            slackUserName: cmd.user_name,
            channelId: cmd.channel_id,
            responseUrl: cmd.response_url,
          });
        } catch (err) {
          req.log?.error({ err, incidentNumber: command.incidentNumber }, 'could not hand resolution to Temporal');
          res.json(ephemeral(`:warning: OpsLoop could not confirm your request to resolve ${command.incidentNumber}: its workflow service did not answer in time. Running the command again is safe.`));
          return;
        }
        res.json(ephemeral(`:hourglass_flowing_sand: Resolving ${command.incidentNumber}… I'll reply here when ServiceNow confirms.`));
        return;
      }
    }
  };
}
