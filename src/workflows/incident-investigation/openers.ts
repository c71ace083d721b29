import { patched } from '@temporalio/workflow';
import { PATCH } from '../patches';
import { identity } from '../proxies';
import type { InvestigationState } from './state';
import { reasonOf } from './reason-of';

/**
 * Reads, for the decision about to be asked, who opened the incident in ServiceNow (caller and opener) as Slack users:
 * they may not approve it. When that cannot be told (Slack hides e-mail addresses without users:read.email), the
 * request says so and approving is refused for it, never silently allowed; a later request (an escalation) asks again.
 */
export async function readOpeners(state: InvestigationState): Promise<void> {
  if (!patched(PATCH.openersMayNotApprove)) return;
  try {
    state.openers = { slackUserIds: await identity.slackUsersWhoOpened(state.incident.sysId) };
  } catch (err) {
    state.openers = { unknown: reasonOf(err) };
  }
}
