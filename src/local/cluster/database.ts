import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLUSTER_SETTINGS } from './settings';

const run = promisify(execFile);

/** The PostgreSQL server a run uses, and its two databases. */
export interface DatabaseTarget {
  host: string;
  port: number;
  user: string;
  password?: string;
  /** Persistence (histories, mutable state, shards, membership). */
  database: string;
  visibilityDatabase: string;
}

/** Thrown when TEMPORAL_CLUSTER_DATABASE_URL cannot be used; names the variable, never the password. */
export class ClusterDatabaseError extends Error {
  override name = 'ClusterDatabaseError';
}

/** The local PostgreSQL, on loopback with trust authentication, as on a developer machine or CI. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432';

/**
 * The server and user from `postgres://user[:password]@host[:port]`; the databases are made per run (fresh names), so
 * a database in the URL's path is not used.
 */
export function parseDatabaseUrl(url: string = DEFAULT_DATABASE_URL): Omit<DatabaseTarget, 'database' | 'visibilityDatabase'> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ClusterDatabaseError('TEMPORAL_CLUSTER_DATABASE_URL is not a URL: expected postgres://user[:password]@host[:port]');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ClusterDatabaseError(`TEMPORAL_CLUSTER_DATABASE_URL must start with postgres:// (got ${parsed.protocol}//)`);
  }
  if (!parsed.username) throw new ClusterDatabaseError('TEMPORAL_CLUSTER_DATABASE_URL names no user: expected postgres://user@host');
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username),
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
  };
}

/** Fresh names for one run: lower case, as PostgreSQL folds unquoted identifiers. */
export function runDatabaseNames(runId: string): Pick<DatabaseTarget, 'database' | 'visibilityDatabase'> {
  if (!/^[a-z0-9_]{1,40}$/.test(runId)) throw new Error(`run id ${runId} must be 1-40 of [a-z0-9_]`);
  return { database: `opsloop_${runId}_temporal`, visibilityDatabase: `opsloop_${runId}_visibility` };
}

/**
 * The SQL tool reads its connection from the environment (SQL_*), which keeps the password off the command line,
 * where any local user could read it.
 */
async function sqlTool(sql: string, target: DatabaseTarget, database: string, args: string[]): Promise<void> {
  try {
    await run(sql, args, {
      timeout: 120_000,
      env: {
        PATH: process.env.PATH,
        SQL_PLUGIN: CLUSTER_SETTINGS.persistence,
        SQL_HOST: target.host,
        SQL_PORT: String(target.port),
        SQL_USER: target.user,
        SQL_PASSWORD: target.password ?? '',
        SQL_DATABASE: database,
      },
    });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message?: string };
    const output = `${e.stderr ?? ''}${e.stdout ?? ''}`.split('\n').filter((l) => /ERROR|FATAL|error/i.test(l)).slice(-5).join('\n');
    throw new ClusterDatabaseError(`temporal-sql-tool ${args[0]} on ${database} at ${target.host}:${target.port} failed:\n${output || e.message}`);
  }
}

/** Creates both databases and brings each schema to the module's latest version, as the docker image's setup does. */
export async function createDatabases(o: { sql: string; schemaDir: string; target: DatabaseTarget }): Promise<void> {
  const stores = [
    [o.target.database, join(o.schemaDir, 'temporal', 'versioned')],
    [o.target.visibilityDatabase, join(o.schemaDir, 'visibility', 'versioned')],
  ] as const;
  for (const [database, versioned] of stores) {
    await sqlTool(o.sql, o.target, database, ['create-database']);
    await sqlTool(o.sql, o.target, database, ['setup-schema', '--version', '0.0']);
    await sqlTool(o.sql, o.target, database, ['update-schema', '--schema-dir', versioned]);
  }
}

/** Drops both (each even when the other fails: a run cut short may have created only one). */
export async function dropDatabases(o: { sql: string; target: DatabaseTarget }): Promise<void> {
  const results = await Promise.allSettled(
    [o.target.database, o.target.visibilityDatabase].map((database) => sqlTool(o.sql, o.target, database, ['drop-database', '--force'])),
  );
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason : new Error(String(r.reason))] : []));
  if (failed[0]) throw failed[0];
}
