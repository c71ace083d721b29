import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { approvalRuleFor, authorize, rolesOf } from '../../../src/policy/authorize';
import { PolicyError, loadPolicyFile, parsePolicy } from '../../../src/policy/load-policy';
import { createPolicyStore } from '../../../src/policy/policy-store';

const example = loadPolicyFile(resolve(__dirname, '../../../policy.example.yaml'));

const problemsOf = (text: string): string[] => {
  try {
    parsePolicy(text, 'p.yaml');
  } catch (err) {
    if (err instanceof PolicyError) return err.problems;
    throw err;
  }
  throw new Error('expected a PolicyError');
};

describe('the policy file', () => {
  it('ships an example that validates', () => {
    expect(example.commands.audit).toBe('admin');
    expect(approvalRuleFor(example, '1')).toEqual({ approvals: 2, requesterMayApprove: false });
    expect(approvalRuleFor(example, '3')).toEqual({ approvals: 1, requesterMayApprove: false });
  });

  it('names the line and the field of each problem', () => {
    const problems = problemsOf(['version: 1', 'roles:', '  admin:', '    users: [bob]', 'channels:', '  - id: C0ONE', 'commands: {help: viewer}', 'approvals: {default: {approvals: 0}}'].join('\n'));
    expect(problems).toEqual(
      expect.arrayContaining([
        'line 4: roles.admin.users.0: must be a Slack user id like U0123ABC',
        expect.stringMatching(/^line 7: commands\.status: /),
        expect.stringMatching(/^line 8: approvals\.default\.approvals: /),
      ]),
    );
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf('version: 1\nroles: [\n')[0]).toMatch(/^line \d+: /);
  });

  it('keeps the last good policy when a reload finds a broken file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'opsloop-policy-')), 'policy.yaml');
    writeFileSync(file, JSON.stringify(example));
    const store = createPolicyStore({ file });
    writeFileSync(file, 'version: 2\n');
    const result = store.reload();
    expect(result.ok).toBe(false);
    expect(store.current()).toEqual(example);
  });
});

describe('authorize', () => {
  const actor = (userId: string, channelId = 'C0INCIDENTS', groups: string[] = []) => ({ userId, channelId, groups });

  it('grants by user, by group and by wildcard; admin implies every role', () => {
    expect(rolesOf(example, { userId: 'U0SOMEONE', groups: [] })).toEqual(['viewer']);
    expect(rolesOf(example, { userId: 'U0SOMEONE', groups: ['S0SREONCALL'] })).toEqual(['viewer', 'operator']);
    expect(rolesOf(example, { userId: 'U0PLATFORMADMIN', groups: [] })).toEqual(['viewer', 'operator', 'approver', 'admin']);
  });

  it.each([
    [actor('U0SOMEONE'), 'status', true, ''],
    [actor('U0SOMEONE'), 'resolve', false, 'you need the operator role for `/ops resolve` in <#C0INCIDENTS>'],
    [actor('U0X', 'C0INCIDENTS', ['S0SREONCALL']), 'resolve', true, ''],
    [actor('U0X', 'C0SREPLAYGROUND', ['S0SREONCALL']), 'resolve', false, '`/ops resolve` is not allowed in <#C0SREPLAYGROUND>'],
    [actor('U0X', 'C0ELSEWHERE', ['S0SREONCALL']), 'help', false, 'OpsLoop does not take commands in <#C0ELSEWHERE>'],
    [actor('U0INCIDENTLEAD'), 'approve', true, ''],
    [actor('U0X', 'C0INCIDENTS', ['S0SREONCALL']), 'approve', false, 'you need the approver role for `/ops approve` in <#C0INCIDENTS>'],
    [actor('U0INCIDENTLEAD'), 'audit', false, 'you need the admin role for `/ops audit` in <#C0INCIDENTS>'],
    [actor('U0PLATFORMADMIN'), 'audit', true, ''],
  ] as const)('%j %s → %s', (who, command, allowed, reason) => {
    const result = authorize(example, who, { kind: 'command', command });
    expect(result.allowed).toBe(allowed);
    if (!result.allowed) expect(result.reason).toBe(reason);
  });
});
