import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabases, dropDatabases, parseDatabaseUrl, runDatabaseNames, type DatabaseTarget } from './database';
import { dynamicConfig, serverConfig, uiConfig, type ClusterPorts } from './config';
import { registerNamespace } from './namespace';
import { allocatePorts } from './ports';
import { untilHttpOk, untilServing } from './probes';
import { ensureServerTools, ensureUiTools, type EnsureToolsOptions } from './server-tools';
import { serviceProcess, type ServiceProcess } from './service-process';
import { TEMPORAL_SERVICES, type TemporalService } from './settings';

export interface ClusterOptions extends EnsureToolsOptions {
  /** The PostgreSQL server and user (TEMPORAL_CLUSTER_DATABASE_URL); default: the local one, trust auth. */
  databaseUrl?: string;
  /** Frontend gRPC port; default: a free one. */
  frontendPort?: number;
  /** Web UI port; default: a free one. `false`: no UI. */
  uiPort?: number | false;
  namespace?: string;
  /** Keep the run's databases when it stops (they are dropped otherwise). */
  keepDatabases?: boolean;
  /** How long one process may take to serve; a loaded 2-core machine needs far more than the usual seconds. */
  startTimeoutMs?: number;
}

/** A Temporal cluster of separate processes on PostgreSQL, each of which may be killed and started again in place. */
export interface Cluster {
  /** The frontend's gRPC address, what TEMPORAL_ADDRESS points at. */
  address: string;
  namespace: string;
  uiUrl?: string;
  /** Config, dynamic config and one log file per process. */
  runDir: string;
  database: DatabaseTarget;
  ports: ClusterPorts;
  services: Record<TemporalService, ServiceProcess>;
  ui?: ServiceProcess;
  /** Stops every process (SIGTERM, then SIGKILL) and drops the databases unless kept. Safe to call twice. */
  stop(): Promise<void>;
}

const WORKER_STARTED = /"msg":"worker service started"/;

/**
 * Creates fresh databases, sets up both schemas with the SQL tool, writes this run's config and starts frontend,
 * history, matching and worker as separate processes (plus the Web UI), then registers the namespace. Resolves once
 * every process serves and the namespace is usable; on any failure, whatever was started is stopped again.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const log = options.log ?? (() => undefined);
  const namespace = options.namespace ?? 'default';
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const [tools, ui] = await Promise.all([ensureServerTools(options), options.uiPort === false ? undefined : ensureUiTools(options)]);

  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const database: DatabaseTarget = { ...parseDatabaseUrl(options.databaseUrl), ...runDatabaseNames(runId) };
  const runDir = mkdtempSync(join(tmpdir(), 'opsloop-cluster-'));
  const withUi = options.uiPort !== false;
  const ports = await allocatePorts({ frontend: options.frontendPort, ui: options.uiPort === false ? undefined : options.uiPort });

  const processes: ServiceProcess[] = [];
  const killAll = () => {
    for (const p of processes) {
      const pid = p.pid();
      if (pid !== undefined && p.running()) process.kill(pid, 'SIGKILL');
    }
  };
  // A driver that exits without stopping the cluster (an uncaught error, process.exit) takes its processes along.
  process.once('exit', killAll);
  let databasesCreated = false;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await Promise.all(processes.map((p) => p.stop()));
      process.removeListener('exit', killAll);
      try {
        if (databasesCreated && !options.keepDatabases) await dropDatabases({ sql: tools.sql, target: database });
      } finally {
        rmSync(runDir, { recursive: true, force: true });
      }
    })());

  try {
    log(`Creating databases ${database.database} and ${database.visibilityDatabase} on ${database.host}:${database.port}…`);
    databasesCreated = true;
    await createDatabases({ sql: tools.sql, schemaDir: tools.schemaDir, target: database });

    const dynamicConfigFile = join(runDir, 'dynamicconfig.yaml');
    writeFileSync(dynamicConfigFile, dynamicConfig(readFileSync(tools.dynamicConfigTemplate, 'utf8'), ports.services));
    mkdirSync(join(runDir, 'config'));
    writeFileSync(
      join(runDir, 'config', 'cluster.yaml'),
      serverConfig({ template: readFileSync(tools.configTemplate, 'utf8'), ports: ports.services, database, dynamicConfigFile, logLevel: 'info' }),
      { mode: 0o600 },
    );

    const address = `127.0.0.1:${ports.services.frontend.grpc}`;
    const services = Object.fromEntries(
      TEMPORAL_SERVICES.map((name) => {
        const grpc = `127.0.0.1:${ports.services[name].grpc}`;
        const p = serviceProcess({
          name,
          command: tools.server,
          args: ['--root', runDir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start', '--service', name],
          cwd: runDir,
          logFile: join(runDir, `${name}.log`),
          readyTimeoutMs: startTimeoutMs,
          // The worker service serves no gRPC health endpoint; it says when its system workers run.
          ready: (self, since) =>
            name === 'worker' ? self.waitForLine(WORKER_STARTED, since, startTimeoutMs).then(() => undefined) : untilServing(grpc, name, () => !self.running()),
        });
        processes.push(p);
        return [name, p];
      }),
    ) as Record<TemporalService, ServiceProcess>;

    log('Starting frontend, history, matching and worker…');
    await Promise.all(Object.values(services).map((p) => p.start()));
    await registerNamespace(address, namespace, startTimeoutMs);

    let uiProcess: ServiceProcess | undefined;
    let uiUrl: string | undefined;
    if (ui && withUi && ports.ui !== undefined) {
      const uiDir = join(runDir, 'ui');
      mkdirSync(uiDir);
      writeFileSync(join(uiDir, 'development.yaml'), uiConfig(readFileSync(ui.configTemplate, 'utf8'), { frontend: address, port: ports.ui, namespace }));
      uiUrl = `http://127.0.0.1:${ports.ui}`;
      const url = uiUrl;
      uiProcess = serviceProcess({
        name: 'ui',
        command: ui.server,
        args: ['--root', runDir, '--config', 'ui', '--env', 'development', 'start'],
        cwd: runDir,
        logFile: join(runDir, 'ui.log'),
        readyTimeoutMs: startTimeoutMs,
        ready: (self) => untilHttpOk(url, () => !self.running()),
      });
      processes.push(uiProcess);
      await uiProcess.start();
    }
    return { address, namespace, uiUrl, runDir, database, ports: ports.services, services, ui: uiProcess, stop };
  } catch (err) {
    const logs = processes.map((p) => `--- ${p.name}\n${p.tail(8)}`).join('\n');
    await stop().catch(() => undefined);
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${logs}`);
  }
}
