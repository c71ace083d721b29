import { parseArgs } from 'node:util';
import { CLUSTER_SETTINGS } from './settings';
import { startCluster, type Cluster } from './start-cluster';

/**
 * `npm run cluster`: the production shape of Temporal on this machine. Fresh databases in PostgreSQL (the local one,
 * or TEMPORAL_CLUSTER_DATABASE_URL), frontend, history, matching and worker as separate processes, and the Web UI.
 * Runs until Ctrl-C, then stops every process and drops the databases.
 *
 * Flags: --port (frontend gRPC, 7233), --ui-port (8233), --no-ui, --namespace (default), --keep-databases.
 */
const print = (line: string) => process.stdout.write(`${line}\n`);

function flags() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7233' },
      'ui-port': { type: 'string', default: '8233' },
      'no-ui': { type: 'boolean', default: false },
      namespace: { type: 'string', default: 'default' },
      'keep-databases': { type: 'boolean', default: false },
    },
  });
  const port = (name: 'port' | 'ui-port') => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 1 || value > 65_535) throw new Error(`--${name} must be a port number (got ${values[name]})`);
    return value;
  };
  return { frontendPort: port('port'), uiPort: values['no-ui'] ? (false as const) : port('ui-port'), namespace: values.namespace, keepDatabases: values['keep-databases'] };
}

async function main(): Promise<void> {
  const options = flags();
  const started = Date.now();
  let cluster: Cluster | undefined;
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      print(`\n${signal}: stopping the cluster…`);
      void (cluster?.stop() ?? Promise.resolve()).then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`could not stop cleanly: ${err instanceof Error ? err.message : String(err)}\n`);
          process.exit(1);
        },
      );
    });
  }
  cluster = await startCluster({ ...options, databaseUrl: process.env.TEMPORAL_CLUSTER_DATABASE_URL, log: print });
  const { services, ports } = cluster;
  print('');
  print(`Temporal cluster ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${CLUSTER_SETTINGS.persistence} persistence and visibility, ${CLUSTER_SETTINGS.historyShards} history shards, namespace ${cluster.namespace} with ${CLUSTER_SETTINGS.namespaceRetention} retention)`);
  print(`  frontend   ${cluster.address} (gRPC), http://127.0.0.1:${ports.frontend.http} (HTTP API)   pid ${services.frontend.pid()}`);
  for (const name of ['history', 'matching', 'worker'] as const) {
    print(`  ${name.padEnd(10)} 127.0.0.1:${ports[name].grpc}, membership ${ports[name].membership}   pid ${services[name].pid()}`);
  }
  if (cluster.uiUrl) print(`  Web UI     ${cluster.uiUrl}`);
  print(`  databases  ${cluster.database.database}, ${cluster.database.visibilityDatabase} on ${cluster.database.host}:${cluster.database.port}${options.keepDatabases ? ' (kept on exit)' : ' (dropped on exit)'}`);
  print(`  logs       ${cluster.runDir}/*.log`);
  print('');
  print(`Point OpsLoop at it: TEMPORAL_ADDRESS=${cluster.address} npm run worker (it registers its search attributes), then npm run api.`);
  print('Ctrl-C stops every process.');
}

main().catch((err: unknown) => {
  process.stderr.write(`npm run cluster failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
