import { createIdentityActivities, createIdentityMap } from '../../../src/activities/identity';

describe('Slack user → ServiceNow user by e-mail', () => {
  const setup = (emails: Record<string, string | undefined>, users: Record<string, { sysId: string; userName: string }>) => {
    const asked = { slack: [] as string[], servicenow: [] as string[] };
    let clock = 0;
    const identity = createIdentityMap({
      slack: { userEmail: (id) => (asked.slack.push(id), Promise.resolve(emails[id])) },
      servicenow: { findUserByEmail: (email) => (asked.servicenow.push(email), Promise.resolve(users[email])) },
      now: () => clock,
    });
    return { identity, asked, advance: (ms: number) => (clock += ms) };
  };

  it('asks Slack for the e-mail and ServiceNow for its user once, then again after ten minutes', async () => {
    const { identity, asked, advance } = setup({ U0ALICE: 'alice@example.com' }, { 'alice@example.com': { sysId: 'a1', userName: 'alice' } });
    expect(await identity('U0ALICE')).toEqual({ email: 'alice@example.com', user: { sysId: 'a1', userName: 'alice' } });
    await identity('U0ALICE');
    expect(asked).toEqual({ slack: ['U0ALICE'], servicenow: ['alice@example.com'] });
    advance(10 * 60_000);
    await identity('U0ALICE');
    expect(asked.slack).toHaveLength(2);
  });

  it('does not ask ServiceNow when Slack shows no e-mail, and does not keep a failure', async () => {
    const { identity, asked } = setup({}, {});
    expect(await identity('U0HIDDEN')).toEqual({});
    expect(asked.servicenow).toEqual([]);
    let calls = 0;
    const flaky = createIdentityMap({
      slack: { userEmail: () => (++calls === 1 ? Promise.reject(new Error('ratelimited')) : Promise.resolve('bob@example.com')) },
      servicenow: { findUserByEmail: () => Promise.resolve(undefined) },
    });
    await expect(flaky('U0BOB')).rejects.toThrow('ratelimited');
    await expect(flaky('U0BOB')).resolves.toEqual({ email: 'bob@example.com', user: undefined });
  });

  it("finds the Slack users of the incident's caller and opener by their ServiceNow e-mail, once per person", async () => {
    const asked: string[] = [];
    const emails: Record<string, string> = { caller: 'c@example.com', opener: 'o@example.com', quiet: '' };
    const members: Record<string, string> = { 'c@example.com': 'U0CALLER', 'o@example.com': 'U0OPENER' };
    const people = { callerId: 'caller', openedBy: 'opener' };
    const { slackUsersWhoOpened } = createIdentityActivities({
      servicenow: { getIncidentPeople: () => Promise.resolve(people), getUserEmail: (id) => (asked.push(`sys_user/${id}`), Promise.resolve(emails[id])) },
      slack: { userIdByEmail: (email) => (asked.push(`slack/${email}`), Promise.resolve(members[email])) },
    });
    await expect(slackUsersWhoOpened('s1')).resolves.toEqual(['U0CALLER', 'U0OPENER']);
    await expect(slackUsersWhoOpened('s1')).resolves.toEqual(['U0CALLER', 'U0OPENER']);
    expect(asked).toEqual(['sys_user/caller', 'slack/c@example.com', 'sys_user/opener', 'slack/o@example.com']);
    // The same person as caller and opener counts once; someone without an address or a Slack account matches nobody.
    Object.assign(people, { callerId: 'opener', openedBy: 'opener' });
    await expect(slackUsersWhoOpened('s2')).resolves.toEqual(['U0OPENER']);
    Object.assign(people, { callerId: 'quiet', openedBy: '' });
    await expect(slackUsersWhoOpened('s3')).resolves.toEqual([]);
  });
});
