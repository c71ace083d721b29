import type { Policy } from './schema';

/** Looks up who is in a Slack user group (usergroups.users.list). */
export type GroupMembers = (groupId: string) => Promise<string[]>;

/** How long group membership is trusted before asking Slack again. */
const TTL_MS = 5 * 60_000;

/**
 * The groups (among those the policy names) a person belongs to. Membership is cached per group; when Slack cannot
 * be asked, the person simply has no group roles, so failures deny rather than grant.
 */
export function createGroupResolver(policy: () => Policy, members: GroupMembers | undefined, now: () => number = Date.now) {
  const cache = new Map<string, { users: Set<string>; at: number }>();
  const groupsIn = (p: Policy) => [...new Set(Object.values(p.roles).flatMap((grant) => grant.groups))];
  return async (userId: string): Promise<string[]> => {
    if (!members) return [];
    const groups = groupsIn(policy());
    const results = await Promise.all(
      groups.map(async (groupId) => {
        const cached = cache.get(groupId);
        if (cached && now() - cached.at < TTL_MS) return cached.users.has(userId) ? groupId : undefined;
        try {
          const users = new Set(await members(groupId));
          cache.set(groupId, { users, at: now() });
          return users.has(userId) ? groupId : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    return results.filter((g): g is string => g !== undefined);
  };
}
