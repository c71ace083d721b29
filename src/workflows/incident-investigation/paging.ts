import { CancellationScope, patched, sleep } from '@temporalio/workflow';
import { severityForPriority } from '../../contracts/paging';
import { recordAudit } from '../audit-trail';
import { PATCH } from '../patches';
import { paging, slack } from '../proxies';
import { reasonOf } from './reason-of';
import type { InvestigationState } from './state';

/** HH:MM UTC of an ISO time. */
const utc = (iso: string) => `${iso.slice(11, 16)} UTC`;

/** Whether this incident's route pages (recorded settings with `paging`, in a run that has the paging code). */
const pages = (state: InvestigationState): boolean => state.settings.paging !== undefined && state.settings.route !== undefined && patched(PATCH.pageOnCall);

/** Pages the route's on-call at `level` once per incident and level, and says in the thread who was paged and when. */
async function page(state: InvestigationState, level: number, why: string): Promise<void> {
  const route = state.settings.route!;
  if (state.paging.levels.includes(level)) return;
  state.paging.levels.push(level);
  const { number, incident } = state;
  let said: string;
  try {
    const result = await paging.pageOnCall({
      incidentNumber: number,
      route,
      level,
      action: 'trigger',
      summary: `${number} (P${incident.priority}) waits for a decision: ${incident.shortDescription}`,
      severity: severityForPriority(incident.priority),
      links: [{ href: state.incidentUrl(state.settings), text: `${number} in ServiceNow` }],
    });
    if (!result.paged) {
      said = `:pager: Could not page the on-call of route ${route} (level ${level}): ${result.reason}`;
    } else {
      const who = state.settings.paging?.onCallNamed ? await whoAt(route, level) : '';
      said = `:pager: Paged the on-call of route ${route}${level > 1 ? ` (level ${level})` : ''}${who} at ${utc(result.at)}: ${why}.`;
    }
  } catch (err) {
    said = `:warning: Could not page the on-call of route ${route} (level ${level}): ${reasonOf(err)}`;
  }
  await Promise.all([
    slack.postThreadNote(state.thread, said),
    recordAudit(`paged-level-${level}`, { source: 'workflow', action: 'page', incidentNumber: number, result: said.startsWith(':pager: Paged') ? 'paged' : 'failed', reason: said }),
  ]);
}

async function whoAt(route: string, level: number): Promise<string> {
  try {
    const found = await paging.whoIsOnCall({ route });
    if (!found.found) return '';
    const people = found.entries.filter((e) => e.level === level).map((e) => e.userName);
    return people.length > 0 ? ` (${people.join(', ')})` : '';
  } catch {
    return '';
  }
}

/** Who is on call for the route, per level, for the decision message (undefined: the route names nobody). */
export async function onCallNow(state: InvestigationState): Promise<string | undefined> {
  if (!pages(state) || !state.settings.paging!.onCallNamed) return undefined;
  try {
    const found = await paging.whoIsOnCall({ route: state.settings.route! });
    if (!found.found || found.entries.length === 0) return undefined;
    return `On call for ${state.settings.route}: ${found.entries.map((e) => `${e.userName} (level ${e.level})`).join(', ')}`;
  } catch {
    return undefined;
  }
}

/**
 * As a decision is asked: the route's urgent priorities page at once; for the others the reminder interval starts
 * (once per investigation), a durable timer that makes the first page due.
 */
export async function pageWhenAsked(state: InvestigationState): Promise<void> {
  if (!pages(state)) return;
  if (!state.paging.timer) {
    const timer = new CancellationScope();
    state.paging.timer = timer;
    void timer.run(() => sleep(state.settings.reminderIntervalMs, { summary: 'page the on-call' })).then(
      () => void (state.paging.due = true),
      () => undefined,
    );
  }
  if (state.settings.paging!.atOnce) await page(state, 1, `P${state.incident.priority} pages as soon as a decision is asked`);
}

/** Whether the first page is due and not yet sent (the reminder interval ran out with the decision still open). */
export const pageDue = (state: InvestigationState): boolean => state.paging.due === true && state.paging.levels.length === 0;

/** Called when the wait for a decision ran out its reminder interval. */
export async function pageUnanswered(state: InvestigationState): Promise<void> {
  const minutes = Math.round(state.settings.reminderIntervalMs / 60_000);
  await page(state, 1, `nobody decided within ${minutes >= 1 ? `${minutes} min` : `${state.settings.reminderIntervalMs / 1000} s`}`);
}

/** Escalate pages the next level (the first when nobody was paged yet), up to the route's last. */
export async function pageEscalation(state: InvestigationState, by: string): Promise<void> {
  if (!pages(state)) return;
  const next = Math.max(0, ...state.paging.levels) + 1;
  if (next > state.settings.paging!.levels) {
    await slack.postThreadNote(state.thread, `:pager: Route ${state.settings.route} has no on-call level above ${next - 1} to page.`);
    return;
  }
  await page(state, next, `<@${by}> escalated`);
}

/** Once decided (or the incident ended): every alert this incident raised is resolved, so nobody is woken for it. */
export async function resolvePages(state: InvestigationState): Promise<void> {
  state.paging.timer?.cancel();
  if (state.paging.levels.length === 0) return;
  const levels = state.paging.levels.splice(0);
  await Promise.all(
    levels.map((level) =>
      paging.pageOnCall({ incidentNumber: state.number, route: state.settings.route!, level, action: 'resolve' }).catch(() => undefined),
    ),
  );
}
