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

  it("tells the incident's caller and opener from everyone else", async () => {
    const { identity } = setup(
      { U0CALLER: 'c@example.com', U0OPENER: 'o@example.com', U0OTHER: 'x@example.com', U0HIDDEN: undefined },
      { 'c@example.com': { sysId: 'caller', userName: 'c' }, 'o@example.com': { sysId: 'opener', userName: 'o' } },
    );
    const { checkOpener } = createIdentityActivities({ identity, servicenow: { getIncidentPeople: () => Promise.resolve({ callerId: 'caller', openedBy: 'opener' }) } });
    await expect(checkOpener('s1', 'INC0010001', 'U0CALLER')).resolves.toEqual({ opened: true, reason: 'You are the caller of INC0010001 in ServiceNow; someone else has to approve it.' });
    await expect(checkOpener('s1', 'INC0010001', 'U0OPENER')).resolves.toEqual({ opened: true, reason: 'You opened INC0010001 in ServiceNow; someone else has to approve it.' });
    await expect(checkOpener('s1', 'INC0010001', 'U0OTHER')).resolves.toEqual({ opened: false });
    await expect(checkOpener('s1', 'INC0010001', 'U0HIDDEN')).resolves.toMatchObject({ opened: true, reason: expect.stringContaining('users:read.email') });
  });
});
