import { WebClient } from '@slack/web-api';
import { createServiceNowClient } from '../../../src/clients/servicenow/client';
import { createSlackClient } from '../../../src/clients/slack/client';
import { startFakeServiceNow, type FakeServiceNow } from '../../../src/sandbox/fake-servicenow';
import { startFakeSlack, type FakeSlack } from '../../../src/sandbox/fake-slack';

const TOKEN = 'xoxb-people-test';

describe("the fake Slack's users.info answers as Slack does for the scopes the token holds", () => {
  let slack: FakeSlack;
  afterEach(() => slack?.close());
  const usersInfo = (user: string) => new WebClient(TOKEN, { slackApiUrl: `${slack.url}/api/`, retryConfig: { retries: 0 } }).users.info({ user });

  it('shows profile.email with users:read.email', async () => {
    slack = await startFakeSlack({ botToken: TOKEN });
    slack.users.set({ id: 'U0ALICE', name: 'alice', email: 'alice@example.com' });
    await expect(usersInfo('U0ALICE')).resolves.toMatchObject({ ok: true, user: { id: 'U0ALICE', profile: { email: 'alice@example.com' } } });
    // Any other member of the sandbox workspace has an address of its own.
    expect((await usersInfo('U0SOMEONE')).user?.profile?.email).toBe('u0someone@sandbox.example');
  });

  it('leaves profile.email out without users:read.email, and refuses users.info without users:read', async () => {
    slack = await startFakeSlack({ botToken: TOKEN, scopes: ['chat:write', 'users:read'] });
    const { user } = await usersInfo('U0ALICE');
    expect(user?.profile).toBeDefined();
    expect(user?.profile).not.toHaveProperty('email');
    slack.scopes.delete('users:read');
    await expect(usersInfo('U0ALICE')).rejects.toMatchObject({ data: { ok: false, error: 'missing_scope', needed: 'users:read' } });
  });

  it('finds a member by e-mail with users:read.email only, as users.lookupByEmail does', async () => {
    slack = await startFakeSlack({ botToken: TOKEN });
    slack.users.set({ id: 'U0ALICE', name: 'alice', email: 'alice@example.com' });
    const client = createSlackClient({ token: TOKEN, apiUrl: `${slack.url}/api/` });
    expect(await client.userIdByEmail('alice@example.com')).toBe('U0ALICE');
    expect(await client.userIdByEmail('u0bob@sandbox.example')).toBe('U0BOB');
    expect(await client.userIdByEmail('nobody@example.com')).toBeUndefined();
    slack.scopes.delete('users:read.email');
    await expect(client.userIdByEmail('alice@example.com')).rejects.toMatchObject({ code: 'missing_scope' });
  });

  it('answers user_not_found for an id that is no member', async () => {
    slack = await startFakeSlack({ botToken: TOKEN });
    await expect(usersInfo('not-a-user')).rejects.toMatchObject({ data: { error: 'user_not_found' } });
  });

  it("is what OpsLoop's client reads: the address, or nothing when Slack hides it", async () => {
    slack = await startFakeSlack({ botToken: TOKEN });
    const client = createSlackClient({ token: TOKEN, apiUrl: `${slack.url}/api/` });
    expect(await client.userEmail('U0BOB')).toBe('u0bob@sandbox.example');
    slack.scopes.delete('users:read.email');
    expect(await client.userEmail('U0BOB')).toBeUndefined();
  });
});

describe("the fake ServiceNow's users: sys_user by e-mail, and the incident's people as sys_ids", () => {
  const AUTH = { username: 'opsloop.integration', password: 'sandbox-password' };
  let servicenow: FakeServiceNow;
  beforeEach(async () => {
    servicenow = await startFakeServiceNow({ ...AUTH, seed: false });
  });
  afterEach(() => servicenow.close());
  const client = () => createServiceNowClient({ instanceUrl: servicenow.url, ...AUTH, timeoutMs: 3000 });

  it('finds the active user with an e-mail address, and nobody for an unknown or inactive one', async () => {
    const alice = servicenow.tables.addUser({ user_name: 'alice', email: 'alice@example.com' });
    servicenow.tables.addUser({ user_name: 'old.alice', email: 'old@example.com', active: false });
    expect(await client().findUserByEmail('alice@example.com')).toEqual({ sysId: alice.sys_id, userName: 'alice' });
    expect(await client().findUserByEmail('old@example.com')).toBeUndefined();
    expect(await client().findUserByEmail('nobody@example.com')).toBeUndefined();
    expect(await client().findUserByEmail('x@example.com^ORactive=true')).toBeUndefined();
  });

  it("reads a user's e-mail by sys_id, and nothing for one that does not exist", async () => {
    const alice = servicenow.tables.addUser({ user_name: 'alice', email: 'alice@example.com' });
    expect(await client().getUserEmail(alice.sys_id)).toBe('alice@example.com');
    expect(await client().getUserEmail(servicenow.tables.userByName(AUTH.username)!.sys_id)).toBe('');
    expect(await client().getUserEmail('0'.repeat(32))).toBeUndefined();
  });

  it("records who opened an incident: the person at the form, or the API's integration user; the caller as given", async () => {
    const alice = servicenow.tables.addUser({ user_name: 'alice', email: 'alice@example.com' });
    const byPerson = servicenow.createIncident({ short_description: 'by a person', caller_id: alice.sys_id });
    expect(await client().getIncidentPeople(byPerson.sys_id)).toEqual({ callerId: alice.sys_id, openedBy: servicenow.tables.userByName('admin')!.sys_id });
    const byApi = await client().createIncident({ short_description: 'by OpsLoop', description: '', priority: '3', cmdb_ci: '' });
    expect(await client().getIncidentPeople(byApi.sysId)).toEqual({ callerId: '', openedBy: servicenow.tables.userByName(AUTH.username)!.sys_id });
  });

  it('sets resolved_by to who resolves unless the same write names someone', async () => {
    const bob = servicenow.tables.addUser({ user_name: 'bob', email: 'bob@example.com' });
    const first = servicenow.createIncident({ short_description: 'one', state: '2' });
    const second = servicenow.createIncident({ short_description: 'two', state: '2' });
    await client().updateIncident(first.sys_id, { state: '6', close_code: 'Solution provided', close_notes: 'done', resolved_by: bob.sys_id });
    await client().updateIncident(second.sys_id, { state: '6', close_code: 'Solution provided', close_notes: 'done' });
    expect(servicenow.incident(first.number)!.resolved_by).toBe(bob.sys_id);
    expect(servicenow.incident(second.number)!.resolved_by).toBe(servicenow.tables.userByName(AUTH.username)!.sys_id);
  });
});
