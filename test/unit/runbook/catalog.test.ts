import { resolve } from 'node:path';
import { ConfigFileError, parseYamlConfig } from '../../../src/config/yaml-file';
import { catalogSchema } from '../../../src/runbook/catalog-schema';
import { loadCatalog } from '../../../src/runbook/load-catalog';
import { ParamError, parseParams } from '../../../src/runbook/params';
import { describePlan, planAction } from '../../../src/runbook/plan';

const catalog = loadCatalog(resolve(__dirname, '../../../runbook.example.yaml'));
const action = (name: string) => catalog.actions.find((a) => a.name === name)!;
const refusal = (name: string, args: string[]) => {
  try {
    parseParams(action(name), args, catalog);
  } catch (err) {
    if (err instanceof ParamError) return err.message;
    throw err;
  }
  return 'accepted';
};

describe('the shipped runbook catalog', () => {
  it('validates, with the classic AWS bot actions as argument vectors', () => {
    expect(catalog.actions.map((a) => a.name)).toEqual(['ping', 'backup', 'ec2-reboot', 'ec2-stop', 'ec2-start', 's3-public-buckets', 'iam-users-without-mfa']);
    const plan = planAction(action('ec2-reboot'), parseParams(action('ec2-reboot'), ['i-0123456789abcdef0', 'prod'], catalog), catalog);
    expect(plan).toEqual({
      type: 'command',
      executable: '/usr/local/bin/aws',
      argv: ['ec2', 'reboot-instances', '--instance-ids', 'i-0123456789abcdef0', '--profile', 'prod'],
      envNames: ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'],
      safeToRetry: false,
    });
    expect(describePlan(plan)).toBe('/usr/local/bin/aws ec2 reboot-instances --instance-ids i-0123456789abcdef0 --profile prod');
  });

  it.each([
    ['ec2-reboot', ['i-0123; rm -rf /', 'prod'], 'instance must match'],
    ['ec2-reboot', ['i-0123456789abcdef0', 'prod; curl evil'], 'account must be one of prod, staging'],
    ['ec2-stop', ['$(reboot)', 'prod'], 'instance must match'],
    ['ec2-start', ['i-0123456789abcdef0'], 'missing account'],
    ['backup', ['core-sw-01\n--evil'], 'device is not a valid value'],
    ['backup', ['../../etc/passwd'], 'device must match'],
    ['ping', ['staging'], 'target must be one of uat, prod, orders-db'],
    ['iam-users-without-mfa', ['prod', 'extra'], 'unexpected `extra`'],
  ])('%s %j is refused: %s', (name, args, reason) => {
    expect(refusal(name, args)).toContain(reason);
  });

  it('URL-encodes HTTP parameters and never resolves secrets into the plan', () => {
    const plan = planAction(action('backup'), { device: 'core-sw-01' }, catalog);
    expect(plan).toMatchObject({ type: 'http', url: 'https://automation.example.com/api/backups/core-sw-01', headers: { Authorization: 'Bearer ${AUTOMATION_TOKEN}' }, idempotent: false });
  });

  it('refuses a catalog whose command is not allow-listed, naming the line', () => {
    const text = ['version: 1', 'actions:', '  - name: wipe', '    description: no', '    executor: { type: command, executable: /bin/sh, args: [-c, "rm -rf /"] }'].join('\n');
    try {
      parseYamlConfig(text, catalogSchema, 'c.yaml', 'runbook catalog');
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigFileError);
      expect((err as ConfigFileError).problems).toEqual(['line 5: actions.0.executor.executable: not in allowedExecutables']);
    }
  });
});
