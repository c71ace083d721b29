import { ClientError, OnCallNotConfiguredError, PagerDutyError } from '../clients/errors';
import type { OnCallEntry } from '../clients/oncall/on-call-provider';
import { asSlackText } from '../contracts/slack-text';
import type { CommandDeps, CommandReply } from './command-types';

/** How many route names a reply lists when it asks which one. */
const LISTED_ROUTES = 10;
/** Slack wants the answer within 3 s, whatever PagerDuty's pagination or timeouts would take. */
export const ON_CALL_BUDGET_MS = 2_500;

class OverBudget extends Error {}

async function withinBudget<T>(work: Promise<T>, budgetMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new OverBudget()), budgetMs);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined); // a late failure has nobody left to tell
  }
}

const until = (iso: string | undefined): string => {
  if (!iso) return '';
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '' : ` until <!date^${Math.floor(at / 1000)}^{date_short_pretty} {time}|${new Date(at).toISOString().replace('T', ' ').slice(0, 16)} UTC>`;
};

/** A person as a link to their page when PagerDuty sent one; names are shown as text, never acted on. */
const person = (e: OnCallEntry): string => {
  const name = asSlackText(e.userName).replace(/\|/g, '¦');
  return e.htmlUrl && /^https:\/\/[^\s<>|]+$/.test(e.htmlUrl) ? `<${e.htmlUrl}|${name}>` : name;
};

export function onCallText(route: string, entries: OnCallEntry[]): string {
  if (entries.length === 0) return `Nobody is on call for \`${route}\` right now, as PagerDuty tells it.`;
  const levels = [...new Set(entries.map((e) => e.level))].sort((a, b) => a - b);
  return [
    `*On call for \`${route}\`*`,
    ...levels.map((level) => `Level ${level}: ${entries.filter((e) => e.level === level).map((e) => `${person(e)}${until(e.until)}`).join(', ')}`),
  ].join('\n');
}

const routeList = (names: string[]): string => names.slice(0, LISTED_ROUTES).map((n) => `\`${n}\``).join(', ') + (names.length > LISTED_ROUTES ? ', …' : '');

/** `/ops oncall [route]`: who is on call for a route's escalation policy, per level, asked of the on-call provider. */
export async function onCallCommand(deps: CommandDeps, requested: string | undefined, budgetMs = ON_CALL_BUDGET_MS): Promise<CommandReply> {
  const onCall = deps.onCall;
  if (!onCall) return { text: 'No on-call provider is configured for OpsLoop, so it cannot tell who is on call.' };
  if (!onCall.resolveOnCall) return { text: 'No on-call routes are configured yet, so OpsLoop cannot tell whose rotation to look up.' };
  const names = onCall.routeNames?.() ?? [];
  const route = requested ?? (names.length === 1 ? names[0] : undefined);
  if (!route) return { text: names.length ? `Which route? \`/ops oncall <route>\`, one of ${routeList(names)}.` : 'Which route? Try `/ops oncall <route>`.' };
  const target = onCall.resolveOnCall(route, 1);
  if (!target) return { text: `There is no on-call route \`${route}\`.${names.length ? ` Routes: ${routeList(names)}.` : ''}` };
  if (!target.escalationPolicyId) return { text: `The on-call route \`${route}\` names no escalation policy, so OpsLoop cannot tell who is on call for it.` };
  try {
    return { text: onCallText(route, await withinBudget(onCall.provider.whoIsOnCall({ escalationPolicyId: target.escalationPolicyId }), budgetMs)) };
  } catch (err) {
    if (err instanceof OnCallNotConfiguredError) return { text: `:warning: ${err.message}.` };
    if (err instanceof PagerDutyError) return { text: `:warning: ${err.retryable ? `PagerDuty could not answer (${err.status}); try again in a moment.` : err.refusal}` };
    if (err instanceof ClientError || err instanceof OverBudget) return { text: ':warning: PagerDuty did not answer in time; try again in a moment.' };
    throw err;
  }
}
