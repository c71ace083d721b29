import { normaliseIncidentNumber } from '../../contracts/workflow-ids';
import type { CommandName } from '../../policy/schema';

export type Command =
  | { kind: 'help' }
  | { kind: 'jobs' }
  | { kind: 'incident' }
  | { kind: 'status' | 'investigate' | 'audit' | 'timeline'; incidentNumber: string }
  | { kind: 'approve' | 'reject'; incidentNumber: string; comment?: string }
  | { kind: 'resolve'; incidentNumber: string; notes?: string }
  | { kind: 'actions' }
  | { kind: 'run'; action: string; args: string[]; dryRun: boolean }
  | { kind: 'cancel'; id: string }
  /** Without a route: the only configured route, or a list of them to choose from. */
  | { kind: 'oncall'; route?: string }
  /** `lacksIncident`: an incident command that named no incident (inside an incident's thread, the thread names it). */
  | { kind: 'invalid'; problem: string; lacksIncident?: boolean };

/** What the place a command was given in says: inside an incident's Slack thread, that incident. */
export interface CommandContextHint {
  incidentNumber?: string;
}

/** Slash commands OpsLoop answers; `/ops-resolve` is the name teams already use for the resolve flow. */
export const SLASH_COMMANDS = ['/ops', '/ops-resolve'] as const;

/** One line of usage per command, in the order `/ops help` lists them. */
export const USAGE: Record<CommandName, string> = {
  help: '`/ops help`: what you may run here',
  status: '`/ops status INC0010001`: stage, findings and pending approvers',
  jobs: '`/ops jobs`: recent runs in this channel and yours',
  investigate: '`/ops investigate INC0010001`: start the investigation of an existing incident',
  resolve: '`/ops resolve INC0010001 [notes]`: resolve it in ServiceNow (without notes, a form asks for them; also `/ops-resolve`)',
  incident: '`/ops incident`: open a new ServiceNow incident and its investigation',
  approve: '`/ops approve INC0010001 [comment]`: approve the pending decision (same as the button)',
  reject: '`/ops reject INC0010001 [comment]`: reject the pending decision',
  audit: '`/ops audit INC0010001`: the audit trail of an incident',
  actions: '`/ops actions`: the runbook actions you may run, with usage',
  run: '`/ops run <action> [args] [--dry-run]`: run a runbook action (see `/ops actions`)',
  cancel: '`/ops cancel <action id>`: stop a running action',
  oncall: '`/ops oncall [route]`: who is on call for a route, per escalation level',
  timeline: '`/ops timeline INC0010001`: what happened when, and the time to findings, to decision and to resolve',
};

/** On-call route names as configuration writes them: a letter or digit, then letters, digits, `-`, `_` or `.`. */
export const ON_CALL_ROUTE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const usageText = (commands: readonly CommandName[]): string =>
  ['*OpsLoop commands* (also as `@OpsLoop …` mentions)', ...commands.map((c) => USAGE[c])].join('\n');

const INCIDENT_COMMANDS = ['status', 'investigate', 'approve', 'reject', 'audit', 'timeline', 'resolve'] as const;
type IncidentCommand = (typeof INCIDENT_COMMANDS)[number];

function parseIncidentCommand(kind: IncidentCommand, args: string[], hint: CommandContextHint = {}): Command {
  const [raw, ...rest] = args;
  const named = raw ? normaliseIncidentNumber(raw) : undefined;
  // A word that tries to be a number (INC12) is a typo to report, never notes for the thread's incident.
  const lacksIncident = !named && !/^inc\d/i.test(raw ?? '');
  if (lacksIncident && hint.incidentNumber) return withIncident(kind, hint.incidentNumber, args);
  if (!raw) return { kind: 'invalid', problem: `Which incident? Try \`/ops ${kind} INC0010001\`.`, lacksIncident: true };
  if (!named) return { kind: 'invalid', problem: `\`${raw.slice(0, 60)}\` is not an incident number (expected e.g. INC0010001).`, ...(lacksIncident ? { lacksIncident } : {}) };
  return withIncident(kind, named, rest);
}

function withIncident(kind: IncidentCommand, incidentNumber: string, rest: string[]): Command {
  if (kind === 'resolve') return { kind, incidentNumber, ...(rest.length ? { notes: rest.join(' ').slice(0, 3000) } : {}) };
  if (kind === 'approve' || kind === 'reject') return { kind, incidentNumber, ...(rest.length ? { comment: rest.join(' ').slice(0, 500) } : {}) };
  if (rest.length) return { kind: 'invalid', problem: `\`/ops ${kind}\` takes only an incident number.` };
  return { kind, incidentNumber };
}

/**
 * Parses what follows the slash command (or the mention) into a typed command. Never throws. An incident command
 * without a number takes the hint's incident (a mention inside that incident's thread).
 */
export function parseCommandText(command: string, text: string, hint: CommandContextHint = {}): Command {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (command === '/ops-resolve') return parseIncidentCommand('resolve', words, hint);
  const [verb, ...args] = words;
  const name = verb?.toLowerCase();
  if (name === undefined || name === 'help') return { kind: 'help' };
  if (name === 'run') {
    const [action, ...rest] = args;
    if (!action) return { kind: 'invalid', problem: 'Which action? See `/ops actions`.' };
    const dryRun = rest.includes('--dry-run');
    return { kind: 'run', action: action.toLowerCase(), args: rest.filter((a) => a !== '--dry-run'), dryRun };
  }
  if (name === 'cancel') {
    const [id, ...rest] = args;
    if (!id || rest.length || !/^(action\/[a-z][a-z0-9-]{0,39}\/)?[0-9a-f]{8}$/.test(id)) return { kind: 'invalid', problem: 'Cancel which action? Give its id, e.g. `/ops cancel action/ping/1a2b3c4d`.' };
    return { kind: 'cancel', id };
  }
  if (name === 'oncall') {
    const [route, ...rest] = args;
    if (rest.length) return { kind: 'invalid', problem: '`/ops oncall` takes at most one route name.' };
    if (route === undefined) return { kind: 'oncall' };
    if (!ON_CALL_ROUTE_PATTERN.test(route)) return { kind: 'invalid', problem: `\`${route.slice(0, 40)}\` is not a route name (letters, digits, \`-\`, \`_\`, \`.\`).` };
    return { kind: 'oncall', route };
  }
  if (name === 'jobs' || name === 'incident' || name === 'actions') return args.length ? { kind: 'invalid', problem: `\`/ops ${name}\` takes no arguments.` } : { kind: name };
  if ((INCIDENT_COMMANDS as readonly string[]).includes(name)) return parseIncidentCommand(name as IncidentCommand, args, hint);
  return { kind: 'invalid', problem: `I don't know \`${String(verb).slice(0, 40)}\`.` };
}
