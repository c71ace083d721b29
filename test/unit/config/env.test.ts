import { ConfigError, loadApiConfig, loadWorkerConfig } from '../../../src/config/env';

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

const api = { SLACK_SIGNING_SECRET: 's', SERVICENOW_WEBHOOK_SECRET: 'a-webhook-secret-of-length', OPSLOOP_POLICY_FILE: 'policy.yaml' };
const worker = {
  OPSLOOP_POLICY_FILE: 'policy.yaml',
  SLACK_INCIDENT_CHANNEL: 'C0INCIDENTS',
  SLACK_BOT_TOKEN: 'xoxb-very-secret-token',
  SERVICENOW_INSTANCE_URL: 'https://acme.service-now.com',
  SERVICENOW_USERNAME: 'opsloop',
  SERVICENOW_PASSWORD: 'hunter2-secret',
};

describe('configuration from the environment', () => {
  it('applies the documented defaults', () => {
    const cfg = loadApiConfig(api);
    expect(cfg).toMatchObject({ TEMPORAL_ADDRESS: 'localhost:7233', TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: 'opsloop', PORT: 3000, LOG_LEVEL: 'info' });
    expect(loadWorkerConfig(worker).SLACK_API_URL).toBe('https://slack.com/api/');
  });

  it('names every missing variable on its own line and treats empty strings as unset', () => {
    const problems = problemsOf(() => loadWorkerConfig({ SLACK_BOT_TOKEN: '', SERVICENOW_USERNAME: 'x' }));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['OPSLOOP_POLICY_FILE', 'SERVICENOW_INSTANCE_URL', 'SERVICENOW_PASSWORD', 'SLACK_BOT_TOKEN']);
  });

  it('rejects malformed values without printing secret values', () => {
    const err = (() => {
      try {
        loadWorkerConfig({ ...worker, PORT: 'x', SERVICENOW_INSTANCE_URL: 'not a url hunter2-secret', LOG_LEVEL: 'loud' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected failure');
    })();
    expect(err.problems.map((p) => p.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'SERVICENOW_INSTANCE_URL']);
    expect(err.message).not.toContain('hunter2-secret');
    expect(err.message).not.toContain('xoxb-very-secret-token');
  });

  it('bounds the agent investigations in flight at 3 unless OPSLOOP_AGENT_MAX_CONCURRENT says otherwise, and at least 1', () => {
    expect(loadWorkerConfig(worker).OPSLOOP_AGENT_MAX_CONCURRENT).toBe(3);
    expect(loadWorkerConfig({ ...worker, OPSLOOP_AGENT_MAX_CONCURRENT: '8' }).OPSLOOP_AGENT_MAX_CONCURRENT).toBe(8);
    for (const bad of ['0', '-1', '2.5', 'three']) {
      expect(problemsOf(() => loadWorkerConfig({ ...worker, OPSLOOP_AGENT_MAX_CONCURRENT: bad }))).toEqual([expect.stringMatching(/^OPSLOOP_AGENT_MAX_CONCURRENT: /)]);
    }
  });

  it('takes SERVICENOW_INCIDENT_CONDITION as an encoded query both the Business Rule and the reconcile read can use, and says why it refuses one', () => {
    expect(loadWorkerConfig(worker).SERVICENOW_INCIDENT_CONDITION).toBeUndefined();
    expect(loadWorkerConfig({ ...worker, SERVICENOW_INCIDENT_CONDITION: ' assignment_group.name=SRE^priority<=2 ' }).SERVICENOW_INCIDENT_CONDITION).toBe('assignment_group.name=SRE^priority<=2^priorityISNOTEMPTY');
    expect(problemsOf(() => loadWorkerConfig({ ...worker, SERVICENOW_INCIDENT_CONDITION: "current.priority == '1'" }))).toEqual([expect.stringMatching(/^SERVICENOW_INCIDENT_CONDITION: "current.priority == '1'" is not field, operator, value/)]);
    expect(problemsOf(() => loadWorkerConfig({ ...worker, SERVICENOW_INCIDENT_CONDITION: 'priority=1^ORDERBYnumber' }))).toEqual([expect.stringMatching(/^SERVICENOW_INCIDENT_CONDITION: may not use \^NQ, \^EQ, ORDERBY/)]);
  });

  it('rejects an invalid port', () => {
    expect(problemsOf(() => loadApiConfig({ ...api, PORT: '70000' }))[0]).toMatch(/^PORT: /);
  });

  it('requires a strong enough webhook secret for the API', () => {
    expect(problemsOf(() => loadApiConfig({ SLACK_SIGNING_SECRET: 's', OPSLOOP_POLICY_FILE: 'p.yaml' }))).toEqual([expect.stringMatching(/^SERVICENOW_WEBHOOK_SECRET: required/)]);
    expect(problemsOf(() => loadApiConfig({ ...api, SERVICENOW_WEBHOOK_SECRET: 'short' }))).toEqual(['SERVICENOW_WEBHOOK_SECRET: must be at least 16 characters']);
  });

  it('needs the incident channel, and an agent secret when an agent URL is set', () => {
    expect(problemsOf(() => loadWorkerConfig({ ...worker, SLACK_INCIDENT_CHANNEL: '' }))[0]).toMatch(/^SLACK_INCIDENT_CHANNEL: required/);
    expect(problemsOf(() => loadWorkerConfig({ ...worker, AGENT_WEBHOOK_URL: 'https://event-ai.us-east-1.api.aws/webhook/generic/x' }))[0]).toMatch(/^AGENT_WEBHOOK_SECRET: required/);
    expect(problemsOf(() => loadWorkerConfig({ ...worker, OPSLOOP_POLICY_FILE: '' }))[0]).toMatch(/^OPSLOOP_POLICY_FILE: required/);
  });

  it('requires both halves of an mTLS pair', () => {
    expect(problemsOf(() => loadApiConfig({ ...api, TEMPORAL_TLS_CERT: '/tmp/cert.pem' }))[0]).toContain('TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY');
  });

  it('configures PagerDuty in both processes: default endpoints, an optional REST key never echoed', () => {
    for (const cfg of [loadApiConfig(api), loadWorkerConfig(worker)]) {
      expect(cfg).toMatchObject({ PAGERDUTY_EVENTS_URL: 'https://events.pagerduty.com', PAGERDUTY_API_URL: 'https://api.pagerduty.com' });
      expect(cfg.PAGERDUTY_API_TOKEN).toBeUndefined();
    }
    expect(loadApiConfig({ ...api, PAGERDUTY_API_TOKEN: 'u+abc123', PAGERDUTY_API_URL: 'https://api.eu.pagerduty.com' })).toMatchObject({ PAGERDUTY_API_TOKEN: 'u+abc123', PAGERDUTY_API_URL: 'https://api.eu.pagerduty.com' });
    const problems = problemsOf(() => loadWorkerConfig({ ...worker, PAGERDUTY_EVENTS_URL: 'events.pagerduty.com', PAGERDUTY_API_TOKEN: 'has a secret space' }));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['PAGERDUTY_API_TOKEN', 'PAGERDUTY_EVENTS_URL']);
    expect(problems.join('\n')).not.toContain('secret space');
  });
});
