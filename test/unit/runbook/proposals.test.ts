import { resolve } from 'node:path';
import { ConfigFileError, parseYamlConfig } from '../../../src/config/yaml-file';
import type { ProposalIncidentFields } from '../../../src/contracts/runbook';
import { catalogSchema, type Catalog } from '../../../src/runbook/catalog-schema';
import { checkProposalAgainst } from '../../../src/runbook/check-proposal';
import { loadCatalog } from '../../../src/runbook/load-catalog';
import { mapMitigation } from '../../../src/runbook/map-mitigation';
import { sandboxCatalog } from '../../../src/runbook/sandbox-catalog';

const ACTIONS = `version: 1
allowedExecutables: [/usr/bin/systemctl]
actions:
  - name: restart-service
    description: Restart a service
    params:
      - { name: service, type: enum, values: [payments-api, checkout-api] }
    approval: one
    executor: { type: command, executable: /usr/bin/systemctl, args: [restart, "{service}"] }
  - name: scale-out
    description: Add instances
    params:
      - { name: service, type: string, pattern: "[a-z][a-z0-9-]{1,40}" }
      - { name: count, type: integer, min: 1, max: 5 }
    approval: two
    executor: { type: command, executable: /usr/bin/systemctl, args: [scale, "{service}", "{count}"] }
`;

/** The actions above plus `proposals:` lines; returns the parsed catalog or the loader's problems. */
const load = (...proposalLines: string[]): Catalog | string[] => {
  try {
    return parseYamlConfig(`${ACTIONS}proposals:\n${proposalLines.join('\n')}\n`, catalogSchema, 'actions.yaml', 'runbook catalog');
  } catch (err) {
    if (err instanceof ConfigFileError) return err.problems;
    throw err;
  }
};
const problemsOf = (...lines: string[]) => {
  const loaded = load(...lines);
  if (!Array.isArray(loaded)) throw new Error('the catalog was accepted');
  return loaded;
};
const catalogOf = (...lines: string[]) => {
  const loaded = load(...lines);
  if (Array.isArray(loaded)) throw new Error(`the catalog was refused: ${loaded.join('; ')}`);
  return loaded;
};

const incident = (overrides: Partial<ProposalIncidentFields> = {}): ProposalIncidentFields => ({
  number: 'INC0010042',
  sysId: '9d385017c611228701d22104cc95c371',
  priority: '2',
  urgency: '2',
  impact: '2',
  assignmentGroup: 'Payments SRE',
  cmdbCi: 'payments-api',
  ...overrides,
});

const PLAN = ['## Mitigation', '', '1. Restart the `checkout-api` service to reload the reverted configuration.', '2. Scale out checkout-api by 2 instances.'].join('\n');

describe('the proposals: section of the actions file', () => {
  it('accepts rules whose templates name incident fields and named groups of their pattern', () => {
    const catalog = catalogOf(
      '  - name: restart-named',
      '    match: "restart the `(?<service>[a-z0-9-]+)` service"',
      '    ignoreCase: true',
      '    action: restart-service',
      '    params: { service: "{match.service}" }',
      '  - name: scale-ci',
      '    match: "^\\\\d+\\\\. Scale out [a-z-]+ by (?<count>\\\\d) instances"',
      '    action: scale-out',
      '    params: { service: "{incident.cmdbCi}", count: "{match.count}" }',
    );
    expect(catalog.proposals).toEqual([
      { name: 'restart-named', match: 'restart the `(?<service>[a-z0-9-]+)` service', ignoreCase: true, action: 'restart-service', params: { service: '{match.service}' } },
      { name: 'scale-ci', match: '^\\d+\\. Scale out [a-z-]+ by (?<count>\\d) instances', ignoreCase: false, action: 'scale-out', params: { service: '{incident.cmdbCi}', count: '{match.count}' } },
    ]);
  });

  it('refuses a pattern that is not a regular expression, naming the line and field', () => {
    expect(problemsOf('  - name: broken', '    match: "Restart the (?<service>[a-z+ service"', '    action: restart-service', '    params: { service: "{match.service}" }')).toEqual([
      expect.stringMatching(/^line 19: proposals\.0\.match: not a valid regular expression \(.+\)$/),
      'line 21: proposals.0.params.service: the pattern has no named group "service" for {match.service}',
    ]);
  });

  it('refuses a pattern that matches an empty line, since it would map any plan', () => {
    expect(problemsOf('  - name: everything', '    match: ".*"', '    action: restart-service', '    params: { service: payments-api }')).toEqual([
      'line 19: proposals.0.match: matches an empty line, so it would map any mitigation plan; make it require the words it stands for',
    ]);
  });

  it('refuses an action the catalog does not have', () => {
    expect(problemsOf('  - name: reboot', '    match: "reboot the host"', '    action: reboot-host', '    params: {}')).toEqual(['line 20: proposals.0.action: no catalog action named "reboot-host"']);
  });

  it('refuses a template naming an unknown incident field, an unknown placeholder or a missing group', () => {
    expect(problemsOf('  - name: restart', '    match: "restart the `(?<svc>[a-z-]+)` service"', '    action: scale-out', '    params: { service: "{incident.description}", count: "{count}" }')).toEqual([
      'line 21: proposals.0.params.service: unknown incident field "description" in {incident.description}; the fields are number, sysId, priority, urgency, impact, assignmentGroup, cmdbCi',
      'line 21: proposals.0.params.count: unknown placeholder {count}: use {incident.<field>} or {match.<named group>}',
    ]);
  });

  it('refuses parameters the action does not have, and an action parameter left without a template', () => {
    expect(problemsOf('  - name: scale', '    match: "scale out"', '    action: scale-out', '    params: { service: "{incident.cmdbCi}", replicas: "2" }')).toEqual([
      'line 21: proposals.0.params.replicas: scale-out has no parameter "replicas"',
      'line 21: proposals.0.params: scale-out needs "count"',
    ]);
  });

  it('refuses two rules of the same name', () => {
    const rule = ['    match: "restart"', '    action: restart-service', '    params: { service: "{incident.cmdbCi}" }'];
    expect(problemsOf('  - name: restart', ...rule, '  - name: restart', ...rule)).toEqual(['line 22: proposals.1.name: duplicate proposal name "restart"']);
  });
});

describe('mapping a mitigation plan to a catalog action', () => {
  const catalog = catalogOf(
    '  - name: restart-named',
    '    match: "restart the `(?<service>[a-z0-9-]+)` service"',
    '    ignoreCase: true',
    '    action: restart-service',
    '    params: { service: "{match.service}" }',
    '  - name: scale-ci',
    '    match: "scale out [a-z-]+ by (?<count>\\\\d) instances"',
    '    ignoreCase: true',
    '    action: scale-out',
    '    params: { service: "{incident.cmdbCi}", count: "{match.count}" }',
  );

  it('proposes the action of the matching rule with parameters from the named groups and the incident', () => {
    expect(mapMitigation(catalog.proposals!, 'Scale out checkout-api by 3 instances.', incident())).toEqual({
      name: 'scale-out',
      params: { service: 'payments-api', count: '3' },
      origin: { rule: 'scale-ci', line: 'Scale out checkout-api by 3 instances.' },
    });
  });

  it('lets the first rule in file order win, whatever line of the plan the others match', () => {
    const plan = ['1. Scale out checkout-api by 2 instances.', '2. Restart the `checkout-api` service.'].join('\n');
    expect(mapMitigation(catalog.proposals!, plan, incident())).toMatchObject({ name: 'restart-service', params: { service: 'checkout-api' }, origin: { rule: 'restart-named', line: '2. Restart the `checkout-api` service.' } });
  });

  it('proposes nothing when no rule matches, and matches within one line only', () => {
    expect(mapMitigation(catalog.proposals!, 'Roll back the latest deployment and watch the error rate.', incident())).toBeUndefined();
    expect(mapMitigation(catalog.proposals!, 'Restart the `checkout-api`\nservice.', incident())).toBeUndefined();
    expect(mapMitigation([], PLAN, incident())).toBeUndefined();
  });

  it('honours ignoreCase: a case-sensitive rule does not match other capitalisation', () => {
    const strict = catalogOf('  - name: restart', '    match: "restart the `(?<service>[a-z-]+)` service"', '    action: restart-service', '    params: { service: "{match.service}" }');
    expect(mapMitigation(strict.proposals!, 'Restart the `checkout-api` service.', incident())).toBeUndefined();
    expect(mapMitigation(strict.proposals!, 'Then restart the `checkout-api` service.', incident())).toMatchObject({ params: { service: 'checkout-api' } });
  });
});

describe('checking a mapped proposal against the action it names', () => {
  const catalog = catalogOf(
    '  - name: restart-named',
    '    match: "restart the `(?<service>[^`]+)` service"',
    '    ignoreCase: true',
    '    action: restart-service',
    '    params: { service: "{match.service}" }',
    '  - name: scale-ci',
    '    match: "scale out"',
    '    ignoreCase: true',
    '    action: scale-out',
    '    params: { service: "{incident.cmdbCi}", count: "2" }',
  );

  it('shows a valid mapping with its preview and the action\'s own approval rule', () => {
    expect(checkProposalAgainst(catalog, { mitigation: PLAN, incident: incident() })).toEqual({
      valid: true,
      actionName: 'restart-service',
      params: { service: 'checkout-api' },
      plan: { type: 'command', executable: '/usr/bin/systemctl', argv: ['restart', 'checkout-api'], envNames: [], safeToRetry: false },
      timeoutMs: 30_000,
      approval: 'one',
      label: 'restart-service checkout-api',
      preview: '`/usr/bin/systemctl restart checkout-api` · timeout 30 s · approval: one approver at least',
      origin: { rule: 'restart-named', line: '1. Restart the `checkout-api` service to reload the reverted configuration.' },
    });
    expect(checkProposalAgainst(catalog, { mitigation: 'Scale out the fleet.', incident: incident() })).toMatchObject({ valid: true, label: 'scale-out payments-api 2', approval: 'two' });
  });

  it('shows a parameter the action refuses as text only, with the reason, and runs nothing', () => {
    expect(checkProposalAgainst(catalog, { mitigation: 'Restart the `search-api; rm -rf /` service.', incident: incident() })).toEqual({
      valid: false,
      label: 'restart-service search-api; rm -rf /',
      reason: 'service must be one of payments-api, checkout-api',
      origin: { rule: 'restart-named', line: 'Restart the `search-api; rm -rf /` service.' },
    });
    expect(checkProposalAgainst(catalog, { mitigation: 'Scale out the fleet.', incident: incident({ cmdbCi: '' }) })).toMatchObject({ valid: false, reason: 'missing service' });
  });

  it('proposes nothing for a plan no rule matches, and still checks an action an agent named', () => {
    expect(checkProposalAgainst(catalog, { mitigation: 'Page the database team.', incident: incident() })).toBeUndefined();
    expect(checkProposalAgainst(catalog, { name: 'restart-service', params: { service: 'payments-api' } })).toMatchObject({ valid: true, label: 'restart-service payments-api' });
    expect(checkProposalAgainst(catalog, { name: 'wipe', params: {} })).toEqual({ valid: false, label: 'wipe', reason: 'no catalog action named wipe' });
  });
});

describe('the shipped proposals', () => {
  it('runbook.example.yaml maps a restart advice to its catalog action', () => {
    const example = loadCatalog(resolve(__dirname, '../../../runbook.example.yaml'));
    expect(example.proposals?.length).toBeGreaterThan(0);
    const checked = checkProposalAgainst(example, { mitigation: '3. Reboot the instance `i-0123456789abcdef0` in the prod account.', incident: incident() });
    expect(checked).toMatchObject({ valid: true, actionName: 'ec2-reboot', params: { instance: 'i-0123456789abcdef0', account: 'prod' }, approval: 'two' });
  });

  it('the sandbox catalog is valid and maps the sandbox agent\'s restart and roll-back plans', () => {
    const sandbox = catalogSchema.parse(sandboxCatalog('http://127.0.0.1:3000/healthz', '/usr/bin/node'));
    const restart = checkProposalAgainst(sandbox, { mitigation: '1. Restart the `checkout-api` service to reload the reverted configuration.', incident: incident({ cmdbCi: 'checkout-api' }) });
    expect(restart).toMatchObject({ valid: true, actionName: 'restart-service', params: { service: 'checkout-api' }, approval: 'one' });
    const rollback = checkProposalAgainst(sandbox, { mitigation: '1. Roll back the latest `checkout-api` deployment, then raise the pool size.', incident: incident({ cmdbCi: 'checkout-api' }) });
    expect(rollback).toMatchObject({ valid: true, actionName: 'rollback-deployment', params: { service: 'checkout-api' }, approval: 'two' });
    expect(checkProposalAgainst(sandbox, { mitigation: '1. Scale out the service and alarm on throttled periods.', incident: incident() })).toBeUndefined();
  });
});
