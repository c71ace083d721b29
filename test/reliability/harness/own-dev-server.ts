import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer, type DevServer } from '../../../src/local/dev-server';
import { freePort } from '../../helpers/free-port';

export interface OwnDevServer {
  address: string;
  dbFile: string;
  /** The running server's process id, for a last-resort kill when the driver itself exits abruptly. */
  pid(): number | undefined;
  /** SIGKILL: no shutdown, whatever SQLite had not written is lost as in a crash. */
  kill9(): Promise<void>;
  /** Starts it again in place (same port, same SQLite file with its -wal); resolves with the ms until it answered. */
  restart(): Promise<number>;
  stop(): Promise<void>;
}

/** A Temporal dev server of the test's own, persisted to a SQLite file, which the test may crash and restart. */
export async function startOwnDevServer(options: { cliPath?: string } = {}): Promise<OwnDevServer> {
  const cliPath = options.cliPath ?? process.env.OPSLOOP_TEST_TEMPORAL_CLI;
  if (!cliPath) throw new Error('needs a Temporal CLI path, or test/helpers/global-setup.ts (run through jest)');
  const port = await freePort();
  const dbFile = join(mkdtempSync(join(tmpdir(), 'opsloop-devserver-')), 'temporal.db');
  const start = () => startDevServer({ cliPath, port, dbFile, fastSqlite: true });
  let server: DevServer = await start();
  return {
    address: server.address,
    dbFile,
    pid: () => server.process.pid,
    async kill9() {
      const exited = new Promise<void>((resolve) => server.process.once('exit', () => resolve()));
      server.process.kill('SIGKILL');
      await exited;
    },
    async restart() {
      const started = Date.now();
      server = await start();
      return Date.now() - started;
    },
    stop: () => server.stop(),
  };
}
