import type { ServiceNowClient, ServiceNowUser } from '../clients/servicenow/client';
import type { SlackClient } from '../clients/slack/client';

/** How long an answer about who has which e-mail address is trusted before asking again (people rarely change it). */
const TTL_MS = 10 * 60_000;
/** Answers remembered at once; the oldest is forgotten first. */
const MAX_ENTRIES = 5000;

/** A cache of answers that change rarely (who has which e-mail), by key, for TTL_MS, at most MAX_ENTRIES. */
function cached<T>(now: () => number, ask: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const answers = new Map<string, { value: T; at: number }>();
  return async (key) => {
    const hit = answers.get(key);
    if (hit && now() - hit.at < TTL_MS) return hit.value;
    const value = await ask(key);
    answers.delete(key);
    if (answers.size >= MAX_ENTRIES) answers.delete(answers.keys().next().value!);
    answers.set(key, { value, at: now() });
    return value;
  };
}

/** A Slack user's ServiceNow user, matched by e-mail; `email` undefined when Slack showed none. */
export interface ServiceNowIdentity {
  email?: string;
  user?: ServiceNowUser;
}

export type IdentityMap = (slackUserId: string) => Promise<ServiceNowIdentity>;

/**
 * Slack user → e-mail (users.info, which shows it only with the users:read.email scope) → the active ServiceNow user
 * with that e-mail (sys_user by `email`), cached per worker. Failures are not cached: they reach the caller.
 */
export function createIdentityMap(deps: { slack: Pick<SlackClient, 'userEmail'>; servicenow: Pick<ServiceNowClient, 'findUserByEmail'>; now?: () => number }): IdentityMap {
  return cached(deps.now ?? Date.now, async (slackUserId) => {
    const email = await deps.slack.userEmail(slackUserId);
    return email ? { email, user: await deps.servicenow.findUserByEmail(email) } : {};
  });
}

export function createIdentityActivities(deps: {
  slack: Pick<SlackClient, 'userIdByEmail'>;
  servicenow: Pick<ServiceNowClient, 'getIncidentPeople' | 'getUserEmail'>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const emailOf = cached(now, (sysId) => deps.servicenow.getUserEmail(sysId));
  const slackUserOf = cached(now, (email) => deps.slack.userIdByEmail(email));
  return {
    /**
     * The Slack users who opened the incident in ServiceNow, its caller (caller_id) and opener (opened_by): each
     * sys_user's e-mail, then the Slack member with that address (users.lookupByEmail, which needs users:read.email).
     * Someone without an address, or without a Slack account, matches nobody.
     */
    async slackUsersWhoOpened(incidentSysId: string): Promise<string[]> {
      const { callerId, openedBy } = await deps.servicenow.getIncidentPeople(incidentSysId);
      const found: string[] = [];
      for (const sysId of new Set([callerId, openedBy].filter(Boolean))) {
        const email = await emailOf(sysId);
        const slackUserId = email ? await slackUserOf(email) : undefined;
        if (slackUserId && !found.includes(slackUserId)) found.push(slackUserId);
      }
      return found;
    },
  };
}
