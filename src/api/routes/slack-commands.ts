import type { Request, Response } from 'express';
import { runCommand, type CommandDeps } from '../commands';
import { SLASH_COMMANDS, parseCommandText } from '../slack/command-text';
import { slashCommandSchema } from '../slack/payloads';
import { BadRequestError, readFormBody } from '../middleware/form-body';

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });

/** POST /slack/commands: verified upstream; parse → authorize → one gateway call → answer within Slack's 3 s. */
export function slackCommandsRoute(deps: CommandDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const form = readFormBody(req, res.locals.rawBody as Buffer);
    // Slack checks the certificate of a command URL with ssl_check=1 and expects a plain 200.
    if (form.ssl_check === '1') {
      res.status(200).end();
      return;
    }
    const parsed = slashCommandSchema.safeParse(form);
    if (!parsed.success) {
      throw new BadRequestError(400, `malformed slash command: ${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')}`);
    }
    const cmd = parsed.data;
    if (!(SLASH_COMMANDS as readonly string[]).includes(cmd.command)) {
      res.json(ephemeral(`OpsLoop does not handle ${cmd.command}; try \`/ops help\`.`));
      return;
    }
    const command = parseCommandText(cmd.command, cmd.text);
    try {
      const reply = await runCommand(deps, {
        source: 'slash-command',
        userId: cmd.user_id,
        userName: cmd.user_name,
        channelId: cmd.channel_id,
        text: `${cmd.command} ${cmd.text}`.trim(),
        responseUrl: cmd.response_url,
        triggerId: cmd.trigger_id,
      }, command);
      // An empty answer (a modal was opened) acknowledges without a message.
      if (reply.text) res.json(ephemeral(reply.text));
      else res.status(200).end();
    } catch (err) {
      req.log?.error({ err, command: command.kind }, 'command could not be handed to Temporal');
      res.json(ephemeral(`:warning: OpsLoop could not confirm your request (${command.kind}): its workflow service did not answer in time. Running the command again is safe.`));
    }
  };
}
