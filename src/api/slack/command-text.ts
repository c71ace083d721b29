import { normaliseIncidentNumber } from '../../contracts/workflow-ids';

export type Command =
  | { kind: 'help' }
  | { kind: 'resolve'; incidentNumber: string }
  | { kind: 'status'; incidentNumber: string }
  | { kind: 'invalid'; problem: string };

/** Slash commands OpsLoop answers; `/ops-resolve` is the name teams already use for the resolve flow. */
export const SLASH_COMMANDS = ['/ops', '/ops-resolve'] as const;

export const USAGE = [
  '*OpsLoop commands*',
  '`/ops resolve INC0010001`: resolve the ServiceNow incident (also `/ops-resolve INC0010001`)',
  '`/ops status INC0010001`: where OpsLoop is with the incident',
  'Or mention me: `@OpsLoop resolve INC0010001`, `@OpsLoop status INC0010001`',
  '`/ops help`: this message',
].join('\n');

function parseIncidentCommand(kind: 'resolve' | 'status', args: string[]): Command {
  const [raw] = args;
  if (!raw) return { kind: 'invalid', problem: `Which incident? Try \`/ops ${kind} INC0010001\`.` };
  const incidentNumber = normaliseIncidentNumber(raw);
  if (!incidentNumber || args.length > 1) {
    return { kind: 'invalid', problem: `\`${args.join(' ').slice(0, 60)}\` is not an incident number (expected e.g. INC0010001).` };
  }
  return { kind, incidentNumber };
}

/** Parses what follows the slash command into a typed command. Never throws. */
export function parseCommandText(command: string, text: string): Command {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (command === '/ops-resolve') return parseIncidentCommand('resolve', words);
  const [verb, ...args] = words;
  switch (verb?.toLowerCase()) {
    case undefined:
    case 'help':
      return { kind: 'help' };
    case 'resolve':
    case 'status':
      return parseIncidentCommand(verb.toLowerCase() as 'resolve' | 'status', args);
    default:
      return { kind: 'invalid', problem: `I don't know \`${String(verb).slice(0, 40)}\`.` };
  }
}
