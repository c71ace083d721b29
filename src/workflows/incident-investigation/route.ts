import { patched } from '@temporalio/workflow';
import type { IncidentSnapshot, InvestigationSettings, RouteKey } from '../../contracts/investigation';
import { OpsRoute, SlackChannel } from '../../contracts/search-attributes';
import { recordAudit } from '../audit-trail';
import { PATCH } from '../patches';
import { localSettings, slack } from '../proxies';
import { upsertChanged } from '../search-attributes';
import { stricterRule } from './evidence';
import type { InvestigationState } from './state';

const routeKeyOf = ({ priority, assignmentGroup, cmdbCi }: IncidentSnapshot): RouteKey => ({ priority, assignmentGroup, cmdbCi });
const fingerprint = (i: IncidentSnapshot) => JSON.stringify([i.priority, i.assignmentGroup.trim().toLowerCase(), i.cmdbCi.trim().toLowerCase()]);

/** Whether ServiceNow changed a field the incident's route or rule depends on since its settings were read. */
export const routeStale = (state: InvestigationState): boolean => state.routedFor !== undefined && state.routedFor !== fingerprint(state.incident);

/** The route's settings and the policy's rule for this priority, read once (recorded, so replays see the same). */
export async function loadSettings(state: InvestigationState): Promise<void> {
  state.settings = await localSettings.getInvestigationSettings(routeKeyOf(state.incident));
  state.rulePriorities = [state.incident.priority];
  state.routedFor = fingerprint(state.incident);
  if (state.settings.route !== undefined && patched(PATCH.incidentRoutes)) upsertChanged([{ key: OpsRoute, value: state.settings.route }]);
}

/** A priority raise can tighten the rule and page at once; never relax either. */
const stricter = (current: InvestigationSettings, other: InvestigationSettings): InvestigationSettings => ({
  ...stricterRule(current, other),
  ...(current.paging && other.paging ? { paging: { ...current.paging, atOnce: current.paging.atOnce || other.paging.atOnce } } : {}),
});

/**
 * After a change in ServiceNow: another route (a reassignment) moves the incident to it; a new priority on the same
 * route adds that priority's rule (the stricter applies). Runs recorded before routes only follow the priority.
 */
export async function followIncident(state: InvestigationState): Promise<void> {
  if (!state.hasSettings) return;
  const { priority } = state.incident;
  const stale = routeStale(state);
  state.routedFor = fingerprint(state.incident);
  if (stale && state.settings.route !== undefined && patched(PATCH.incidentRoutes)) {
    const next = await localSettings.getInvestigationSettings(routeKeyOf(state.incident));
    if (next.route !== state.settings.route) return moveTo(state, next);
    if (!state.rulePriorities.includes(priority)) {
      state.rulePriorities.push(priority);
      state.settings = stricter(state.settings, next);
    }
    return;
  }
  if (state.rulePriorities.includes(priority) || !patched(PATCH.approvalRuleFollowsPriority)) return;
  state.rulePriorities.push(priority);
  state.settings = stricterRule(state.settings, await localSettings.getInvestigationSettings(priority));
}

/** Moves the incident to its new route: its settings, its channel (a new thread, linked from the old one), its approvers. */
async function moveTo(state: InvestigationState, next: InvestigationSettings): Promise<void> {
  const from = state.settings.route;
  const moves = (state.reroutes = (state.reroutes ?? 0) + 1);
  state.settings = next;
  state.rulePriorities = [state.incident.priority];
  upsertChanged([{ key: OpsRoute, value: next.route ?? '' }]);
  const why = `${state.number} was reassigned to ${state.incident.assignmentGroup || 'no group'} in ServiceNow: route ${from} → ${next.route}`;
  await recordAudit(`rerouted-${moves}`, { source: 'workflow', action: 'route-changed', incidentNumber: state.number, result: next.route ?? '', reason: why });
  if (!state.hasThread) return;
  const old = state.thread;
  if (next.slackChannel === old.channel) {
    await slack.postThreadNote(old, `:twisted_rightwards_arrows: ${why}; decisions now go to its approvers.`);
    return;
  }
  const posted = await slack.postIncidentRoot(next.slackChannel, state.view(next));
  state.thread = { channel: posted.channel, ts: posted.ts };
  upsertChanged([{ key: SlackChannel, value: posted.channel }]);
  await Promise.all([
    slack.postThreadNote(old, `:twisted_rightwards_arrows: ${why}. The incident continues in <#${posted.channel}>: ${posted.permalink}`),
    slack.postThreadNote(state.thread, `:twisted_rightwards_arrows: ${why}; it was followed in <#${old.channel}> until now. Decisions go to this route's approvers.`),
  ]);
}
