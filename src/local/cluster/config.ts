import { parse, stringify } from 'yaml';
import { CLUSTER_SETTINGS, type TemporalService } from './settings';
import type { DatabaseTarget } from './database';

export interface ServicePorts {
  grpc: number;
  membership: number;
  /** Frontend only: the HTTP API (and Nexus callbacks). */
  http?: number;
}
export type ClusterPorts = Record<TemporalService, ServicePorts>;

export interface ServerConfigInput {
  /** The text of the module's config/development-postgres12.yaml. */
  template: string;
  ports: ClusterPorts;
  database: DatabaseTarget;
  /** Absolute: the server resolves a relative one against its working directory. */
  dynamicConfigFile: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

type Yaml = Record<string, unknown>;
const section = (parent: Yaml, key: string): Yaml => {
  const value = parent[key];
  if (typeof value !== 'object' || value === null) throw new Error(`the server config template has no ${key} section`);
  return value as Yaml;
};

/**
 * One run's server config: the module's development-postgres12.yaml with this run's databases, ports and dynamic
 * config. Every service process reads the same file and starts only its own part (`start --service=…`); they find
 * each other through the membership table in the persistence database, over loopback.
 */
export function serverConfig(o: ServerConfigInput): string {
  const config = parse(o.template) as Yaml;
  config.log = { stdout: true, level: o.logLevel };

  const persistence = section(config, 'persistence');
  persistence.numHistoryShards = CLUSTER_SETTINGS.historyShards;
  const datastores = section(persistence, 'datastores');
  const sqlStore = (name: string, plugin: string, database: string, maxConns: number) => {
    const sql = section(section(datastores, name), 'sql');
    Object.assign(sql, {
      pluginName: plugin,
      databaseName: database,
      connectAddr: `${o.database.host}:${o.database.port}`,
      connectProtocol: 'tcp',
      user: o.database.user,
      password: o.database.password ?? '',
      maxConns,
      maxIdleConns: maxConns,
    });
  };
  sqlStore(String(persistence.defaultStore), CLUSTER_SETTINGS.persistence, o.database.database, 20);
  // The template's 2 connections queue every list call behind one slow count; the docker image's default is 10.
  sqlStore(String(persistence.visibilityStore), CLUSTER_SETTINGS.visibility, o.database.visibilityDatabase, 10);

  const global = section(config, 'global');
  // One pprof port and one metrics port for the whole file: several processes cannot all bind them.
  delete global.pprof;
  delete global.metrics;
  section(global, 'membership').broadcastAddress = '127.0.0.1';

  const services = section(config, 'services');
  for (const [name, ports] of Object.entries(o.ports)) {
    const rpc = section(section(services, name), 'rpc');
    Object.assign(rpc, { grpcPort: ports.grpc, membershipPort: ports.membership, bindOnLocalHost: true });
    if (ports.http !== undefined) rpc.httpPort = ports.http;
  }
  const active = section(section(section(config, 'clusterMetadata'), 'clusterInformation'), 'active');
  active.rpcAddress = `127.0.0.1:${o.ports.frontend.grpc}`;
  if (o.ports.frontend.http !== undefined) active.httpAddress = `127.0.0.1:${o.ports.frontend.http}`;

  config.dynamicConfigClient = { filepath: o.dynamicConfigFile, pollInterval: '10s' };
  return stringify(config);
}

/**
 * The module's development-sql.yaml plus what OpsLoop relies on: Updates (approval clicks), asynchronous ones too,
 * said explicitly as for the dev server; the Nexus callback template pointed at this run's frontend.
 */
export function dynamicConfig(template: string, ports: ClusterPorts): string {
  const config = (parse(template) ?? {}) as Yaml;
  config['frontend.enableUpdateWorkflowExecution'] = [{ value: true }];
  config['frontend.enableUpdateWorkflowExecutionAsyncAccepted'] = [{ value: true }];
  if (ports.frontend.http !== undefined) {
    config['component.nexusoperations.callback.endpoint.template'] = [
      { value: `http://127.0.0.1:${ports.frontend.http}/namespaces/{{.NamespaceName}}/nexus/callback` },
    ];
  }
  return stringify(config);
}

/** The UI server's config/development.yaml pointed at this run's frontend. */
export function uiConfig(template: string, o: { frontend: string; port: number; namespace: string }): string {
  const config = (parse(template) ?? {}) as Yaml;
  Object.assign(config, { temporalGrpcAddress: o.frontend, port: o.port, enableUi: true, defaultNamespace: o.namespace });
  return stringify(config);
}
