import { PolicyError, parsePolicy } from '../../../src/policy/load-policy';

const problemsOf = (text: string): string[] => {
  try {
    parsePolicy(text, 'p.yaml');
  } catch (err) {
    if (err instanceof PolicyError) return err.problems;
    throw err;
  }
  throw new Error('expected a PolicyError');
};

const policyWith = (commands: string) =>
  ['version: 1', 'roles:', '  admin:', '    users: [U0ADMIN]', 'channels:', '  - id: C0ONE', `commands: ${commands}`, 'approvals: {default: {approvals: 1}}'].join('\n');

const ALL_BUT_AUDIT = '{help: viewer, status: viewer, jobs: viewer, investigate: operator, resolve: operator, incident: operator, approve: approver, reject: approver}';

describe('a policy whose commands: section leaves a command out', () => {
  it('says the command is missing and which roles it may name', () => {
    expect(problemsOf(policyWith(ALL_BUT_AUDIT))).toEqual(['line 7: commands.audit: missing: say which role audit needs (viewer, operator, approver or admin)']);
  });

  it('still says a present value is wrong when it names no role', () => {
    const problems = problemsOf(policyWith(ALL_BUT_AUDIT.replace('}', ', audit: root}')));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^line 7: commands\.audit: Invalid option: expected one of "viewer"\|"operator"\|"approver"\|"admin"$/);
  });

  it('lets the commands added later default, as before', () => {
    expect(parsePolicy(policyWith(ALL_BUT_AUDIT.replace('}', ', audit: admin}'))).commands).toMatchObject({ actions: 'viewer', run: 'operator', cancel: 'operator', timeline: 'viewer' });
  });
});
