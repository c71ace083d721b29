import { Client as Pg } from 'pg';
import { TEMPORAL_SERVICES } from '../../src/local/cluster/settings';
import { startCluster, type Cluster } from '../../src/local/cluster/start-cluster';
import { startBenchOpsLoop, type BenchOpsLoop } from './stack';

export interface ClusterStack {
  cluster: Cluster;
  opsloop: BenchOpsLoop;
  /** PostgreSQL's version and the settings that decide what a commit costs. */
  postgres: Record<string, string>;
  /** The server processes (backends) serving the cluster's two databases right now. */
  postgresBackends(): Promise<number[]>;
  close(): Promise<void>;
}

export interface ClusterStackOptions {
  workDir: string;
  log: (line: string) => void;
  echoChildren?: boolean;
  childEnv?: NodeJS.ProcessEnv;
}

const POSTGRES_SETTINGS = ['server_version', 'fsync', 'synchronous_commit', 'shared_buffers'];

/**
 * OpsLoop on a multi-process Temporal cluster (`npm run cluster`'s code: frontend, history, matching and worker on
 * fresh databases in the local PostgreSQL), with the same sandbox world, API and worker as the dev-server stack.
 */
export async function startClusterStack(o: ClusterStackOptions): Promise<ClusterStack> {
  const cluster = await startCluster({ uiPort: false, log: o.log });
  const target = cluster.database;
  const pg = new Pg({ host: target.host, port: target.port, user: target.user, password: target.password, database: 'postgres' });
  try {
    await pg.connect();
    const postgres: Record<string, string> = {};
    for (const name of POSTGRES_SETTINGS) postgres[name] = String((await pg.query<Record<string, string>>(`SHOW ${name}`)).rows[0]?.[name]);
    const opsloop = await startBenchOpsLoop({
      workDir: o.workDir,
      log: o.log,
      echoChildren: o.echoChildren,
      childEnv: o.childEnv,
      temporalAddress: cluster.address,
      temporalPids: () => Object.fromEntries(TEMPORAL_SERVICES.map((s) => [`temporal ${s}`, cluster.services[s].pid()])),
    });
    return {
      cluster,
      opsloop,
      postgres,
      async postgresBackends() {
        const { rows } = await pg.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = ANY($1)', [[target.database, target.visibilityDatabase]]);
        return rows.map((r) => r.pid);
      },
      async close() {
        await opsloop.close();
        await pg.end().catch(() => undefined);
        await cluster.stop();
      },
    };
  } catch (err) {
    await pg.end().catch(() => undefined);
    await cluster.stop();
    throw err;
  }
}
