import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as Pg } from 'pg';
import { DEFAULT_DATABASE_URL } from '../../src/local/cluster/database';
import { ensureServerTools, ensureUiTools } from '../../src/local/cluster/server-tools';
import { writeWorkflowBundle } from '../helpers/workflow-bundle';

declare global {
  // Shared with global-teardown, which runs in the same process.
  var __OPSLOOP_CLUSTER_BUNDLE_DIR__: string | undefined;
}

/**
 * Builds the Temporal server, its SQL tool and the Web UI once into .tools/ (minutes on a fresh machine, a fraction of
 * a second after), so `npm test` alone works anywhere Go and PostgreSQL are; and bundles the workflow code once for
 * every worker the tests start. Each test file starts its own cluster on fresh databases.
 */
/** Fails the project at once, in one line, where there is no PostgreSQL to put the clusters in. */
async function checkPostgres(): Promise<void> {
  const server = new URL(process.env.TEMPORAL_CLUSTER_DATABASE_URL || DEFAULT_DATABASE_URL);
  const pg = new Pg({ connectionString: new URL('/postgres', server).toString(), connectionTimeoutMillis: 5_000 });
  try {
    await pg.connect();
  } catch (err) {
    throw new Error(
      `the cluster tests need PostgreSQL at ${server.host} as ${decodeURIComponent(server.username)} (${err instanceof Error ? err.message : String(err)}): start the local one, or set TEMPORAL_CLUSTER_DATABASE_URL=postgres://user[:password]@host[:port]`,
    );
  } finally {
    await pg.end().catch(() => undefined);
  }
}

export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  await checkPostgres();
  const started = Date.now();
  await ensureServerTools({ log });
  await ensureUiTools({ log });
  process.stderr.write(`cluster project: Temporal server and Web UI tools ready after ${Math.round((Date.now() - started) / 1000)} s\n`);
  const dir = mkdtempSync(join(tmpdir(), 'opsloop-cluster-bundle-'));
  globalThis.__OPSLOOP_CLUSTER_BUNDLE_DIR__ = dir;
  process.env.OPSLOOP_TEST_WORKFLOW_BUNDLE = await writeWorkflowBundle(dir);
}
