import { randomBytes } from 'node:crypto';

/**
 * The tables an incident's reference fields point to, as a small instance holds them. A reference field stores the
 * referenced record's sys_id; its display value is that record's display field (`name` for these three tables).
 * https://www.servicenow.com/docs/r/platform-administration/c_DisplayValues.html
 */
export type ReferenceTableName = 'sys_user' | 'sys_user_group' | 'cmdb_ci';

/** Every value a string, as the Table API returns them. */
export type TableRow = Record<string, string> & { sys_id: string };

/** The incident's reference fields and the table each points to (task.assignment_group, task.cmdb_ci, …). */
export const INCIDENT_REFERENCES = {
  assignment_group: 'sys_user_group',
  cmdb_ci: 'cmdb_ci',
  caller_id: 'sys_user',
  opened_by: 'sys_user',
  resolved_by: 'sys_user',
} as const satisfies Record<string, ReferenceTableName>;
export type IncidentReferenceField = keyof typeof INCIDENT_REFERENCES;
export const isReferenceField = (field: string): field is IncidentReferenceField => field in INCIDENT_REFERENCES;

const DISPLAY_FIELD: Record<ReferenceTableName, string> = { sys_user: 'name', sys_user_group: 'name', cmdb_ci: 'name' };

const SEED_GROUPS = ['SRE', 'Payments SRE', 'Database', 'Infrastructure', 'Network', 'Service Desk'];
const SEED_CIS = ['checkout-api', 'payments-api', 'search-api', 'orders-api', 'orders-db', 'fileserver-02', 'vpn-gateway', 'web-01'];
const SEED_USERS = [
  { user_name: 'admin', name: 'System Administrator', email: 'admin@example.com' },
  { user_name: 'abel.tuter', name: 'Abel Tuter', email: 'abel.tuter@example.com' },
  { user_name: 'beth.anglin', name: 'Beth Anglin', email: 'beth.anglin@example.com' },
];

const newSysId = () => randomBytes(16).toString('hex');

export interface ReferenceTables {
  rows: (table: ReferenceTableName) => TableRow[];
  get: (table: ReferenceTableName, sysId: string) => TableRow | undefined;
  /** The display value of a reference; '' for an empty or dangling one (the referenced record does not exist). */
  display: (table: ReferenceTableName, sysId: string) => string;
  /** The sys_id a person picking `nameOrSysId` in a reference field would store; throws when there is no such record. */
  pick: (table: ReferenceTableName, nameOrSysId: string) => string;
  /** The sys_id of the record with this display value, or '' (sysparm_input_display_value=true with no match). */
  find: (table: ReferenceTableName, name: string) => string;
  userByName: (userName: string) => TableRow | undefined;
  /** Adds a user (sys_user), as an administrator would; its display value is its name (user_name by default). */
  addUser: (user: { user_name: string; name?: string; email?: string; active?: boolean }) => TableRow;
}

/** Seeded groups, configuration items and users, plus the integration user OpsLoop signs in as. */
export function createReferenceTables(integrationUser: string): ReferenceTables {
  const tables: Record<ReferenceTableName, Map<string, TableRow>> = { sys_user: new Map(), sys_user_group: new Map(), cmdb_ci: new Map() };
  const insert = (table: ReferenceTableName, fields: Record<string, string>) => {
    const row: TableRow = { ...fields, sys_id: newSysId() };
    tables[table].set(row.sys_id, row);
    return row;
  };
  for (const name of SEED_GROUPS) insert('sys_user_group', { name, active: 'true' });
  for (const name of SEED_CIS) insert('cmdb_ci', { name, operational_status: '1' });
  for (const user of SEED_USERS) insert('sys_user', { ...user, active: 'true' });
  if (!SEED_USERS.some((u) => u.user_name === integrationUser)) insert('sys_user', { user_name: integrationUser, name: 'OpsLoop Integration', email: '', active: 'true' });

  const get = (table: ReferenceTableName, sysId: string) => tables[table].get(sysId);
  const find = (table: ReferenceTableName, name: string) => (name ? ([...tables[table].values()].find((row) => row[DISPLAY_FIELD[table]] === name)?.sys_id ?? '') : '');
  return {
    rows: (table) => [...tables[table].values()],
    get,
    display: (table, sysId) => (sysId ? (get(table, sysId)?.[DISPLAY_FIELD[table]] ?? '') : ''),
    pick: (table, nameOrSysId) => {
      if (!nameOrSysId || tables[table].has(nameOrSysId)) return nameOrSysId;
      const found = find(table, nameOrSysId);
      if (!found) throw new Error(`the sandbox ServiceNow has no ${table} record named "${nameOrSysId}"`);
      return found;
    },
    find,
    userByName: (userName) => [...tables.sys_user.values()].find((row) => row.user_name === userName),
    addUser: ({ user_name, name = user_name, email = '', active = true }) => insert('sys_user', { user_name, name, email, active: String(active) }),
  };
}
