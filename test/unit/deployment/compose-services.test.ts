import { CLUSTER_SETTINGS } from '../../../src/local/cluster/settings';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../../src/local/cluster/server-tools';
import { environmentOf, npmScript, service, services } from './compose-file';

describe('docker-compose.yml services', () => {
  it('defines the Temporal stack and the two OpsLoop services, with no one-shot setup job', () => {
    expect(Object.keys(services).sort()).toEqual(['opsloop-api', 'opsloop-worker', 'postgresql', 'temporal', 'temporal-ui'].sort());
  });

  it('pins every third-party image: the Temporal server and Web UI that `npm run cluster` builds, on PostgreSQL', () => {
    expect(service('postgresql').image).toBe('postgres:16');
    expect(service('temporal').image).toBe(`temporalio/auto-setup:${TEMPORAL_SERVER_VERSION}`);
    expect(service('temporal-ui').image).toBe(`temporalio/ui:${TEMPORAL_UI_VERSION}`);

    const temporalEnv = environmentOf(service('temporal'));
    expect(temporalEnv).toMatchObject({ POSTGRES_SEEDS: 'postgresql' });
    expect(temporalEnv.POSTGRES_USER).toBe(environmentOf(service('postgresql')).POSTGRES_USER);
    expect(temporalEnv.POSTGRES_PWD).toBe(environmentOf(service('postgresql')).POSTGRES_PASSWORD);
    expect(service('temporal').healthcheck?.test).toBeDefined();
    expect(service('temporal').depends_on).toEqual({ postgresql: { condition: 'service_healthy' } });

    expect(service('temporal-ui').ports).toContain('8233:8080');
    expect(environmentOf(service('temporal-ui')).TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('sets Temporal up as `npm run cluster` does: stores, shard count and namespace retention', () => {
    const env = environmentOf(service('temporal'));
    expect(env.DB).toBe(CLUSTER_SETTINGS.persistence);
    // Without Elasticsearch, auto-setup puts visibility in the same SQL store (its own database), as the cluster does.
    expect(env.ENABLE_ES).toBe('false');
    expect(CLUSTER_SETTINGS.visibility).toBe(CLUSTER_SETTINGS.persistence);
    expect(env.NUM_HISTORY_SHARDS).toBe(String(CLUSTER_SETTINGS.historyShards));
    expect(env.DEFAULT_NAMESPACE_RETENTION).toBe(CLUSTER_SETTINGS.namespaceRetention);
    // auto-setup's test attributes (CustomKeywordField, …) stay out; the worker creates OpsLoop's own.
    expect(env.SKIP_ADD_CUSTOM_SEARCH_ATTRIBUTES).toBe('true');
  });

  it.each([
    ['opsloop-api', 'api'],
    ['opsloop-worker', 'worker'],
  ])('builds %s from the Dockerfile and runs the `npm run %s` command once Temporal is healthy', (name, script) => {
    const s = service(name);
    const build = typeof s.build === 'string' ? { context: s.build } : s.build;
    expect(build?.context).toBe('.');
    expect(build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
    expect(s.image).toBeUndefined();
    expect(s.command).toEqual(npmScript(script));
    expect(s.init).toBe(true); // an init as PID 1 hands SIGTERM to tsx, which relays it to node: the worker drains
    expect(s.env_file).toEqual([{ path: '.env', required: false }]);
    expect(s.depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
  });

  it('publishes the API on PORT', () => {
    expect(service('opsloop-api').ports).toEqual(['${PORT:-3000}:${PORT:-3000}']);
    expect(environmentOf(service('opsloop-api')).PORT).toBe('${PORT:-3000}');
  });
});
