import { z } from 'zod';
import { impactUrgencyFor } from '../../servicenow/priority';
import type { FakeServiceNow } from '../fake-servicenow';
import type { FakeSlack } from '../fake-slack';
import { buttonsOf } from '../slack-messages';
import { sendButtonClick, sendSlashCommand } from '../slack-requests';
import type { InteractionLog } from './interaction-log';
import type { SandboxUser } from './snapshot';

export class ConsoleRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ActionDeps {
  slack: FakeSlack;
  servicenow: FakeServiceNow;
  apiUrl: string;
  signingSecret: string;
  users: readonly SandboxUser[];
  log: InteractionLog;
}

const text = (max: number) => z.string().trim().max(max);

export const newIncidentSchema = z.object({
  short_description: text(160).min(1, 'a short description is required'),
  description: text(4000).default(''),
  priority: z.enum(['1', '2', '3', '4']).default('3'),
  cmdb_ci: text(100).default(''),
  assignment_group: text(100).default(''),
});

export const clickSchema = z.object({ userId: z.string(), messageTs: z.string().max(40), actionId: z.string().max(255) });

export const commandSchema = z.object({
  userId: z.string(),
  /** What a person types in Slack's message box: `/ops status INC0010001`. */
  line: text(500).regex(/^\/[\w-]+(\s|$)/, 'a slash command starts with / (e.g. /ops help)'),
});

const buttonLabel = (button: unknown): string => {
  const label = (button as { text?: { text?: unknown } }).text?.text;
  return typeof label === 'string' ? label : 'a button';
};

/** What the console's buttons and boxes do: the same requests ServiceNow and Slack would send to OpsLoop. */
export function createActions(d: ActionDeps) {
  const user = (id: string): SandboxUser => {
    const found = d.users.find((u) => u.id === id);
    if (!found) throw new ConsoleRequestError(400, `unknown sandbox user ${id}`);
    return found;
  };

  return {
    /** Through the fake ServiceNow, so its Business Rule posts the same signed webhook a real one would. */
    openIncident(input: z.infer<typeof newIncidentSchema>) {
      const { priority, ...fields } = input;
      try {
        const incident = d.servicenow.createIncident({ ...fields, ...impactUrgencyFor(priority), state: '1' });
        return { number: incident.number };
      } catch (err) {
        // As ServiceNow's form refuses a reference field naming no record ("Invalid reference").
        throw new ConsoleRequestError(400, (err as Error).message);
      }
    },

    /** A block_actions interaction, signed as Slack signs it, for a button that is on the message right now. */
    async click(input: z.infer<typeof clickSchema>) {
      const who = user(input.userId);
      const message = d.slack.messages.find((m) => m.ts === input.messageTs);
      if (!message) throw new ConsoleRequestError(404, 'no such message');
      const button = buttonsOf(message).find((b) => b.action_id === input.actionId);
      if (!button) throw new ConsoleRequestError(409, 'that button is no longer on the message');
      const responseUrl = d.slack.newResponseUrl();
      const { status } = await sendButtonClick(d.apiUrl, d.signingSecret, {
        userId: who.id,
        userName: who.name,
        actionId: button.action_id,
        value: button.value,
        channelId: message.channel,
        messageTs: message.ts,
        responseUrl,
      });
      return d.log.add({ kind: 'click', userId: who.id, label: buttonLabel(button), status, responseUrl });
    },

    /** A slash command, signed as Slack signs it; its immediate answer is kept, later replies arrive at its response_url. */
    async command(input: z.infer<typeof commandSchema>, channelId: string) {
      const who = user(input.userId);
      const [command = '', ...rest] = input.line.split(/\s+/);
      const responseUrl = d.slack.newResponseUrl();
      const { status, body } = await sendSlashCommand(d.apiUrl, d.signingSecret, {
        command,
        text: rest.join(' '),
        userId: who.id,
        userName: who.name,
        channelId,
        responseUrl,
      });
      const answer = typeof body === 'object' && body !== null && 'text' in body ? String(body.text) : typeof body === 'string' ? body : '';
      return d.log.add({ kind: 'command', userId: who.id, label: input.line, status, answer, responseUrl });
    },
  };
}
