import { randomBytes } from 'node:crypto';

/**
 * A user record (sys_user) as the fake ServiceNow keeps it: the Table API's field names, every value a string.
 * Reference fields such as an incident's caller_id, opened_by and resolved_by hold a user's sys_id.
 * https://www.servicenow.com/docs/r/api-reference/rest-apis/c_TableAPI.html
 */
export interface FakeUser {
  sys_id: string;
  user_name: string;
  name: string;
  email: string;
  active: string;
}

export interface FakeUserTable {
  add(user: { user_name: string; name?: string; email?: string; active?: boolean }): FakeUser;
  all(): FakeUser[];
  get(sysId: string): FakeUser | undefined;
  byUserName(userName: string): FakeUser | undefined;
}

/** The users of a small instance: its administrator and the integration user OpsLoop signs in as (no e-mail). */
export function createUserTable(integrationUser: string): FakeUserTable {
  const users = new Map<string, FakeUser>();
  const table: FakeUserTable = {
    add({ user_name, name = user_name, email = '', active = true }) {
      const user = { sys_id: randomBytes(16).toString('hex'), user_name, name, email, active: String(active) };
      users.set(user.sys_id, user);
      return user;
    },
    all: () => [...users.values()],
    get: (sysId) => users.get(sysId),
    byUserName: (userName) => [...users.values()].find((u) => u.user_name === userName),
  };
  table.add({ user_name: 'admin', name: 'System Administrator', email: 'admin@example.com' });
  if (integrationUser !== 'admin') table.add({ user_name: integrationUser, name: 'OpsLoop integration' });
  return table;
}
