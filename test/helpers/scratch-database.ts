import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DEFAULT_DATABASE_URL } from '../../src/local/cluster/database';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A database of the test's own in the local PostgreSQL, or the server TEMPORAL_CLUSTER_DATABASE_URL names; `drop()` when done. */
export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const server = new URL(process.env.TEMPORAL_CLUSTER_DATABASE_URL || DEFAULT_DATABASE_URL);
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = () => new Client({ connectionString: new URL('/postgres', server).toString() });
  const run = async (sql: string) => {
    const c = admin();
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  return { url: new URL(`/${name}`, server).toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
