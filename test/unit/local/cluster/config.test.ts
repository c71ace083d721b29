import { parse } from 'yaml';
import { dynamicConfig, serverConfig, uiConfig, type ClusterPorts } from '../../../../src/local/cluster/config';
import { CLUSTER_SETTINGS } from '../../../../src/local/cluster/settings';

/** The shape of the server module's config/development-postgres12.yaml, trimmed to what a run changes. */
const TEMPLATE = `
log: { stdout: true, level: info }
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:
      sql: { pluginName: postgres12, databaseName: temporal, connectAddr: "127.0.0.1:5432", user: temporal, password: temporal, maxConns: 20, maxIdleConns: 20, maxConnLifetime: 1h }
    postgres-visibility:
      sql: { pluginName: postgres12, databaseName: temporal_visibility, connectAddr: "127.0.0.1:5432", user: temporal, password: temporal, maxConns: 2, maxIdleConns: 2 }
global:
  membership: { maxJoinDuration: 30s, broadcastAddress: "127.0.0.1" }
  pprof: { port: 7936 }
  metrics: { prometheus: { framework: tally, listenAddress: "127.0.0.1:8000" } }
services:
  frontend: { rpc: { grpcPort: 7233, membershipPort: 6933, bindOnLocalHost: true, httpPort: 7243 } }
  matching: { rpc: { grpcPort: 7235, membershipPort: 6935, bindOnLocalHost: true } }
  history: { rpc: { grpcPort: 7234, membershipPort: 6934, bindOnLocalHost: true } }
  worker: { rpc: { grpcPort: 7239, membershipPort: 6939, bindOnLocalHost: true } }
clusterMetadata:
  currentClusterName: active
  clusterInformation: { active: { enabled: true, rpcName: frontend, rpcAddress: "localhost:7233" } }
dynamicConfigClient: { filepath: config/dynamicconfig/development-sql.yaml, pollInterval: 10s }
`;

const PORTS: ClusterPorts = {
  frontend: { grpc: 41001, membership: 21001, http: 41002 },
  history: { grpc: 41003, membership: 21003 },
  matching: { grpc: 41004, membership: 21004 },
  worker: { grpc: 41005, membership: 21005 },
};
const DATABASE = { host: 'db.internal', port: 6543, user: 'ops', password: 'pw', database: 'opsloop_x_temporal', visibilityDatabase: 'opsloop_x_visibility' };

type Config = {
  persistence: { numHistoryShards: number; datastores: Record<string, { sql: Record<string, unknown> }> };
  global: Record<string, unknown>;
  services: Record<string, { rpc: Record<string, unknown> }>;
  clusterMetadata: { clusterInformation: { active: { rpcAddress: string } } };
  dynamicConfigClient: { filepath: string };
  log: { level: string };
};
const config = parse(serverConfig({ template: TEMPLATE, ports: PORTS, database: DATABASE, dynamicConfigFile: '/run/x/dynamicconfig.yaml', logLevel: 'warn' })) as Config;

describe('serverConfig', () => {
  it('points both stores at this run’s databases, with the settings docker-compose.yml uses', () => {
    expect(config.persistence.numHistoryShards).toBe(CLUSTER_SETTINGS.historyShards);
    expect(config.persistence.datastores['postgres-default']?.sql).toMatchObject({
      pluginName: CLUSTER_SETTINGS.persistence, databaseName: 'opsloop_x_temporal', connectAddr: 'db.internal:6543', user: 'ops', password: 'pw',
    });
    expect(config.persistence.datastores['postgres-visibility']?.sql).toMatchObject({
      pluginName: CLUSTER_SETTINGS.visibility, databaseName: 'opsloop_x_visibility', connectAddr: 'db.internal:6543', maxConns: 10,
    });
  });

  it('gives every service its own ports on loopback and advertises the frontend', () => {
    for (const [name, ports] of Object.entries(PORTS)) {
      expect(config.services[name]?.rpc).toEqual({ grpcPort: ports.grpc, membershipPort: ports.membership, bindOnLocalHost: true, ...(ports.http ? { httpPort: ports.http } : {}) });
    }
    expect(config.clusterMetadata.clusterInformation.active.rpcAddress).toBe('127.0.0.1:41001');
  });

  it('drops the ports all processes would share (pprof, metrics) and uses the absolute dynamic config path', () => {
    expect(config.global.pprof).toBeUndefined();
    expect(config.global.metrics).toBeUndefined();
    expect(config.dynamicConfigClient.filepath).toBe('/run/x/dynamicconfig.yaml');
    expect(config.log.level).toBe('warn');
  });
});

describe('dynamicConfig', () => {
  it('keeps the template’s values and turns Updates on, as the dev server does', () => {
    const values = parse(dynamicConfig('limit.maxIDLength:\n  - value: 255\n', PORTS)) as Record<string, { value: unknown }[]>;
    expect(values['limit.maxIDLength']).toEqual([{ value: 255 }]);
    expect(values['frontend.enableUpdateWorkflowExecution']).toEqual([{ value: true }]);
    expect(values['frontend.enableUpdateWorkflowExecutionAsyncAccepted']).toEqual([{ value: true }]);
    expect(values['component.nexusoperations.callback.endpoint.template']?.[0]?.value).toContain('http://127.0.0.1:41002/');
  });
});

describe('uiConfig', () => {
  it('points the Web UI at the frontend, on its port', () => {
    expect(parse(uiConfig('temporalGrpcAddress: 127.0.0.1:7233\nport: 8081\nenableUi: false\n', { frontend: '127.0.0.1:41001', port: 8233, namespace: 'ops' }))).toEqual({
      temporalGrpcAddress: '127.0.0.1:41001', port: 8233, enableUi: true, defaultNamespace: 'ops',
    });
  });
});
