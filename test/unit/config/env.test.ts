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

const worker = {
  SLACK_BOT_TOKEN: 'xoxb-very-secret-token',
  SERVICENOW_INSTANCE_URL: 'https://acme.service-now.com',
  SERVICENOW_USERNAME: 'opsloop',
  SERVICENOW_PASSWORD: 'hunter2-secret',
};

describe('configuration from the environment', () => {
  it('applies the documented defaults', () => {
    const cfg = loadApiConfig({ SLACK_SIGNING_SECRET: 's' });
    expect(cfg).toMatchObject({ TEMPORAL_ADDRESS: 'localhost:7233', TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: 'opsloop', PORT: 3000, LOG_LEVEL: 'info' });
    expect(loadWorkerConfig(worker).SLACK_API_URL).toBe('https://slack.com/api/');
  });

  it('names every missing variable on its own line and treats empty strings as unset', () => {
    const problems = problemsOf(() => loadWorkerConfig({ SLACK_BOT_TOKEN: '', SERVICENOW_USERNAME: 'x' }));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['SERVICENOW_INSTANCE_URL', 'SERVICENOW_PASSWORD', 'SLACK_BOT_TOKEN']);
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

  it('rejects an invalid port', () => {
    expect(problemsOf(() => loadApiConfig({ SLACK_SIGNING_SECRET: 's', PORT: '70000' }))[0]).toMatch(/^PORT: /);
  });

  it('requires both halves of an mTLS pair', () => {
    expect(problemsOf(() => loadApiConfig({ SLACK_SIGNING_SECRET: 's', TEMPORAL_TLS_CERT: '/tmp/cert.pem' }))[0]).toContain('TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY');
  });
});
