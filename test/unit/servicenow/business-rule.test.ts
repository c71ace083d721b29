import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Script } from 'node:vm';
import { WebhookAuthError, verifyWebhook } from '../../../src/signing/webhook-signature';
import { serviceNowEventSchema } from '../../../src/contracts/schemas/servicenow-event';
import { renderBusinessRule, renderInstructions, type BusinessRuleOptions } from '../../../src/servicenow/business-rule';
import {
  SAMPLE_INCIDENT,
  executeBusinessRule,
  runBusinessRule,
  type RecordedRequest,
} from '../../helpers/servicenow-business-rule-harness';

const SECRET = 'whsec_t3st-s3cret!';
const NOW_MS = 1_779_271_422_123;
const hmac: BusinessRuleOptions = { endpointUrl: 'https://opsloop.example.com', secretProperty: 'opsloop.webhook_secret', auth: 'hmac' };
const bearer: BusinessRuleOptions = { ...hmac, auth: 'bearer' };
const harness = { secret: SECRET, nowMs: NOW_MS };

const verify = (request: RecordedRequest, secrets: string[]) =>
  verifyWebhook({
    secrets,
    rawBody: Buffer.from(request.body, 'utf8'),
    timestamp: request.headers['X-OpsLoop-Timestamp'],
    signature: request.headers['X-OpsLoop-Signature'],
    authorization: request.headers.Authorization,
    nowMs: NOW_MS,
  });

describe('the generated Business Rule, run against ServiceNow fakes', () => {
  it('queues one async POST to /webhooks/servicenow with a schema-valid payload', () => {
    const request = runBusinessRule(renderBusinessRule(hmac), SAMPLE_INCIDENT, harness);
    expect(request).toMatchObject({
      endpoint: 'https://opsloop.example.com/webhooks/servicenow',
      method: 'post',
      timeoutMs: 10_000,
      async: true,
    });
    expect(request.headers['Content-Type']).toBe('application/json');
    expect(serviceNowEventSchema.parse(JSON.parse(request.body))).toEqual({
      sys_id: '9d385017c611228701d22104cc95c371',
      number: 'INC0010042',
      short_description: 'Checkout API returns 502 — café région',
      description: '',
      priority: '1',
      urgency: '1',
      impact: '2',
      state: '2',
      assignment_group: 'Network',
      cmdb_ci: 'web-01',
      sys_updated_on: '2026-05-20 10:03:42',
      sys_mod_count: '4',
      operation: 'update',
    });
    expect(request.body).toMatch(/^[\x20-\x7e]*$/);
  });

  it('reports insert operations', () => {
    const request = runBusinessRule(renderBusinessRule(hmac), { ...SAMPLE_INCIDENT, operation: 'insert' }, harness);
    expect(serviceNowEventSchema.parse(JSON.parse(request.body)).operation).toBe('insert');
  });

  it("signs so that the endpoint's verifier accepts it, and only with the right secret", () => {
    const request = runBusinessRule(renderBusinessRule(hmac), SAMPLE_INCIDENT, harness);
    expect(request.headers['X-OpsLoop-Timestamp']).toBe(String(Math.floor(NOW_MS / 1000)));
    expect(request.headers.Authorization).toBeUndefined();
    expect(verify(request, [SECRET])).toBe('hmac');
    expect(() => verify(request, ['another-secret'])).toThrow(new WebhookAuthError('signature mismatch'));
  });

  it('sends Authorization: Bearer and no signature in bearer mode', () => {
    const request = runBusinessRule(renderBusinessRule(bearer), SAMPLE_INCIDENT, harness);
    expect(request.headers.Authorization).toBe(`Bearer ${SECRET}`);
    expect(Object.keys(request.headers).filter((name) => /^x-opsloop-/i.test(name))).toEqual([]);
    expect(verify(request, [SECRET])).toBe('bearer');
  });

  it('sends only incidents matching the condition, an encoded query checked with GlideFilter as case-insensitively as a query', () => {
    const script = renderBusinessRule({ ...hmac, condition: 'assignment_group.name=network^priority<=2' });
    expect(script).toContain('new GlideFilter("assignment_group.name=network^priority<=2^priorityISNOTEMPTY", \'OpsLoop incidents\')');
    expect(executeBusinessRule(script, SAMPLE_INCIDENT, harness).requests).toHaveLength(1);
    const p3 = { ...SAMPLE_INCIDENT, values: { ...SAMPLE_INCIDENT.values, priority: '3' } };
    expect(executeBusinessRule(script, p3, harness).requests).toHaveLength(0);
    const otherGroup = { ...SAMPLE_INCIDENT, displayValues: { ...SAMPLE_INCIDENT.displayValues, assignment_group: 'Database' } };
    expect(executeBusinessRule(script, otherGroup, harness).requests).toHaveLength(0);
  });

  it("does not send back updates made by OpsLoop's integration user, but still sends its inserts and others' updates", () => {
    const script = renderBusinessRule({ ...hmac, skipUser: 'opsloop.integration' });
    const update = { ...SAMPLE_INCIDENT, operation: 'update' as const };
    expect(executeBusinessRule(script, update, { ...harness, userName: 'opsloop.integration' }).requests).toHaveLength(0);
    expect(executeBusinessRule(script, update, { ...harness, userName: 'beth.anglin' }).requests).toHaveLength(1);
    expect(executeBusinessRule(script, { ...SAMPLE_INCIDENT, operation: 'insert' }, { ...harness, userName: 'opsloop.integration' }).requests).toHaveLength(1);
    expect(() => renderBusinessRule({ ...hmac, skipUser: "x'); gs.error('" })).toThrow('--skip-user');
  });

  it('sends nothing and logs the property name when the secret property is unset', () => {
    const run = executeBusinessRule(renderBusinessRule(hmac), SAMPLE_INCIDENT, { ...harness, secret: undefined });
    expect(run.requests).toEqual([]);
    expect(run.errors).toEqual([expect.stringContaining('opsloop.webhook_secret is not set; INC0010042 was not sent')]);
  });

  it('logs a failed send with gs.error without the secret', () => {
    const run = executeBusinessRule(renderBusinessRule(bearer), SAMPLE_INCIDENT, {
      ...harness,
      failSend: (request) => new Error(`invalid header Authorization: ${request.headers.Authorization}`),
    });
    expect(run.errors).toEqual(['OpsLoop webhook: could not send INC0010042: invalid header Authorization: Bearer ***']);
  });
});

describe('the script text', () => {
  const scripts = [renderBusinessRule(hmac), renderBusinessRule({ ...bearer, condition: 'assignment_group.name=SRE' })];

  it.each(scripts)('reads the secret from the system property and never contains it (%#)', (script) => {
    expect(script).not.toContain(SECRET);
    expect(script).toContain('var SECRET_PROPERTY = "opsloop.webhook_secret";');
    expect(script).toContain('gs.getProperty(SECRET_PROPERTY)');
  });

  it.each(scripts)('is ES5-style, wrapped in executeRule, and explains itself (%#)', (script) => {
    expect(() => new Script(script)).not.toThrow();
    expect(script).not.toContain('=>');
    expect(script).not.toContain('`');
    expect(script).not.toMatch(/\b(let|const|class)\s/);
    expect(script).toMatch(/\(function executeRule\(current, previous[^)]*\) \{[\s\S]*\}\)\(current, previous\);\n$/);
    expect(script).toContain('password2');
    expect(script).toMatch(/never retry[\s\S]*reconcile/);
  });

  it('rejects options that would make a broken rule', () => {
    expect(() => renderBusinessRule({ ...hmac, endpointUrl: 'http://opsloop.example.com' })).toThrow('--url must use https');
    expect(() => renderBusinessRule({ ...hmac, secretProperty: 'x"; gs.info(1); "' })).toThrow('--secret-property');
    expect(() => renderBusinessRule({ ...hmac, condition: 'priority=1\n^state=2' })).toThrow('--condition must be one line');
    // A JavaScript expression (what --condition took before 1.1.0) is not an encoded query: refused, not ignored.
    expect(() => renderBusinessRule({ ...hmac, condition: "current.getValue('priority') == '1'" })).toThrow('--condition "current.getValue(\'priority\') == \'1\'" is not field, operator, value');
    expect(() => renderBusinessRule({ ...hmac, condition: 'priority=1^NQstate=2' })).toThrow('--condition may not use ^NQ');
    expect(() => renderBusinessRule({ ...hmac, condition: 'priority<2^ORstate=2' })).toThrow('cannot be ORed');
  });

  it('accepts http on localhost and keeps a path prefix', () => {
    const script = renderBusinessRule({ ...hmac, endpointUrl: 'http://127.0.0.1:3000/opsloop/' });
    expect(script).toContain('"http://127.0.0.1:3000/opsloop/webhooks/servicenow"');
  });

  it('has instructions for the property and the rule', () => {
    const text = renderInstructions(hmac);
    expect(text).toContain('Name: opsloop.webhook_secret    Type: password2');
    expect(text).toContain('Table: Incident [incident]');
    expect(text).toContain('When: after    Insert: checked    Update: checked');
    expect(text).toContain('Advanced: checked');
  });
});

describe('npm run servicenow:business-rule', () => {
  const cliWith = (env: Record<string, string>, ...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/servicenow/business-rule-cli.ts', ...args], {
      cwd: resolve(__dirname, '../../..'),
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, SERVICENOW_INCIDENT_CONDITION: '', ...env },
    });
  const cli = (...args: string[]) => cliWith({}, ...args);

  it.each([
    [[], '--url is required'],
    [['--url', 'http://opsloop.example.com'], '--url must use https'],
    [['--url', 'not a url'], '--url is not a valid URL'],
  ])('exits 2 with one line for %j', (args, message) => {
    const result = cli(...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^servicenow:business-rule: ${message}[^\\n]*\\n$`));
  });

  it('prints the instructions to stderr and a working script to stdout', () => {
    const result = cli('--url', 'https://opsloop.example.com', '--auth', 'hmac');
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('Type: password2');
    expect(result.stdout).toBe(renderBusinessRule(hmac));
    expect(verify(runBusinessRule(result.stdout, SAMPLE_INCIDENT, harness), [SECRET])).toBe('hmac');
  });

  it("takes the condition from SERVICENOW_INCIDENT_CONDITION, the worker's variable, unless --condition gives one", () => {
    const fromEnv = cliWith({ SERVICENOW_INCIDENT_CONDITION: 'assignment_group.name=SRE' }, '--url', 'https://opsloop.example.com');
    expect(fromEnv.status).toBe(0);
    expect(fromEnv.stdout).toBe(renderBusinessRule({ ...hmac, condition: 'assignment_group.name=SRE' }));
    expect(fromEnv.stderr).toContain('set SERVICENOW_INCIDENT_CONDITION to it too');
    const given = cliWith({ SERVICENOW_INCIDENT_CONDITION: 'assignment_group.name=SRE' }, '--url', 'https://opsloop.example.com', '--condition', 'priority=1');
    expect(given.stdout).toBe(renderBusinessRule({ ...hmac, condition: 'priority=1' }));
  });
});
