import type { ServiceNowClient, ServiceNowUser } from '../clients/servicenow/client';
import type { SlackClient } from '../clients/slack/client';

/** How long a Slack user's ServiceNow user is trusted before asking again (people rarely change e-mail). */
const TTL_MS = 10 * 60_000;
/** Slack users remembered at once; the oldest is forgotten first. */
const MAX_ENTRIES = 5000;

/** A Slack user's ServiceNow user, matched by e-mail; `email` undefined when Slack showed none. */
export interface ServiceNowIdentity {
  email?: string;
  user?: ServiceNowUser;
}

export type IdentityMap = (slackUserId: string) => Promise<ServiceNowIdentity>;

/**
 * Slack user → e-mail (users.info, which shows it only with the users:read.email scope) → the active ServiceNow user
 * with that e-mail (sys_user by `email`), cached per worker. Failures are not cached: they surface to the caller.
 */
export function createIdentityMap(deps: { slack: Pick<SlackClient, 'userEmail'>; servicenow: Pick<ServiceNowClient, 'findUserByEmail'>; now?: () => number }): IdentityMap {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { identity: ServiceNowIdentity; at: number }>();
  return async (slackUserId) => {
    const cached = cache.get(slackUserId);
    if (cached && now() - cached.at < TTL_MS) return cached.identity;
    const email = await deps.slack.userEmail(slackUserId);
    const identity: ServiceNowIdentity = email ? { email, user: await deps.servicenow.findUserByEmail(email) } : {};
    cache.delete(slackUserId);
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(slackUserId, { identity, at: now() });
    return identity;
  };
}

/** Why a Slack user may not approve as someone who opened the incident, or undefined when they may. */
export type OpenerCheck = { opened: false } | { opened: true; reason: string };

export function createIdentityActivities(deps: { identity: IdentityMap; servicenow: Pick<ServiceNowClient, 'getIncidentPeople'> }) {
  return {
    /**
     * Whether this Slack user is, in ServiceNow, the incident's caller or the user who opened it: matched by e-mail,
     * read when they approve (so a caller changed meanwhile counts). Someone whose e-mail Slack does not show cannot
     * be told apart from the caller, and is refused with what to fix.
     */
    async checkOpener(incidentSysId: string, incidentNumber: string, slackUserId: string): Promise<OpenerCheck> {
      const [people, identity] = await Promise.all([deps.servicenow.getIncidentPeople(incidentSysId), deps.identity(slackUserId)]);
      if (!identity.email) {
        return { opened: true, reason: `OpsLoop cannot see your e-mail address in Slack (its app needs the users:read.email scope), so it cannot tell whether you opened ${incidentNumber} in ServiceNow; someone else has to approve it.` };
      }
      const sysId = identity.user?.sysId;
      if (sysId && sysId === people.callerId) return { opened: true, reason: `You are the caller of ${incidentNumber} in ServiceNow; someone else has to approve it.` };
      if (sysId && sysId === people.openedBy) return { opened: true, reason: `You opened ${incidentNumber} in ServiceNow; someone else has to approve it.` };
      return { opened: false };
    },
  };
}
