/**
 * The bot scopes the sandbox workspace granted when OpsLoop's app was installed from slack/manifest.yaml
 * (test/unit/slack-manifest.test.ts keeps the two equal). The fake Slack answers as a workspace with exactly these.
 */
export const INSTALLED_BOT_SCOPES: readonly string[] = ['app_mentions:read', 'channels:history', 'chat:write', 'commands', 'groups:history', 'usergroups:read', 'users:read', 'users:read.email'];

/** A member of the sandbox workspace. */
export interface FakeSlackUser {
  id: string;
  name: string;
  email: string;
}

/**
 * The workspace's members. Every well-formed user id a test or the console acts as is a member: one not set here
 * gets the name and the e-mail address `<id in lower case>@sandbox.example`, as a workspace gives every member one.
 */
export class FakeSlackUsers {
  private readonly members = new Map<string, FakeSlackUser>();

  set(user: FakeSlackUser): void {
    this.members.set(user.id, user);
  }

  get(id: string): FakeSlackUser | undefined {
    if (this.members.has(id)) return this.members.get(id);
    return /^[UW][A-Z0-9]{2,}$/.test(id) ? { id, name: id.toLowerCase(), email: `${id.toLowerCase()}@sandbox.example` } : undefined;
  }

  byEmail(email: string): FakeSlackUser | undefined {
    const set = [...this.members.values()].find((u) => u.email === email);
    if (set) return set;
    const [, local] = /^([a-z0-9]+)@sandbox\.example$/.exec(email) ?? [];
    const member = local ? this.get(local.toUpperCase()) : undefined;
    // A member whose address was set to another one no longer has the default one.
    return member?.email === email ? member : undefined;
  }
}

/**
 * users.lookupByEmail as Slack answers it (https://docs.slack.dev/reference/methods/users.lookupByEmail): it needs
 * users:read.email, else `missing_scope`; `users_not_found` when no member has the address.
 */
export function lookupByEmailAnswer(users: FakeSlackUsers, scopes: readonly string[], email: string): Record<string, unknown> {
  if (!scopes.includes('users:read.email')) return { ok: false, error: 'missing_scope', needed: 'users:read.email', provided: scopes.join(',') };
  const user = users.byEmail(email);
  if (!user) return { ok: false, error: 'users_not_found' };
  return { ok: true, user: { id: user.id, team_id: 'TSANDBOX', name: user.name, deleted: false, is_bot: false, real_name: user.name, profile: { real_name: user.name, email: user.email } } };
}

/**
 * users.info as Slack answers it (https://docs.slack.dev/reference/methods/users.info): it needs users:read, else
 * `missing_scope` with `needed` and `provided`; `profile.email` is there only with users:read.email ("Email
 * addresses": users:read is no longer sufficient for it; https://api.slack.com/scopes/users:read.email);
 * `user_not_found` for an id that is no member.
 */
export function usersInfoAnswer(users: FakeSlackUsers, scopes: readonly string[], userId: string): Record<string, unknown> {
  if (!scopes.includes('users:read')) return { ok: false, error: 'missing_scope', needed: 'users:read', provided: scopes.join(',') };
  const user = users.get(userId);
  if (!user) return { ok: false, error: 'user_not_found' };
  const profile = { real_name: user.name, display_name: user.name, ...(scopes.includes('users:read.email') ? { email: user.email } : {}) };
  return { ok: true, user: { id: user.id, team_id: 'TSANDBOX', name: user.name, deleted: false, is_bot: false, real_name: user.name, profile } };
}
