import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { OPSLOOP_SEARCH_ATTRIBUTES } from '../contracts/search-attributes';
import { ensureSearchAttributes } from '../temporal-setup/search-attributes';

export interface DevServerOptions {
  cliPath: string;
  port: number;
  /** Web UI port, or undefined for a headless server. */
  uiPort?: number;
  /** SQLite file; undefined keeps everything in memory. */
  dbFile?: string;
  /** Trade durability for speed (tests and benchmarks): WAL + synchronous=OFF instead of WAL + synchronous=NORMAL. */
  fastSqlite?: boolean;
  /** Settings for one machine; TUNED_DEV_SERVER unless given (the benchmark measures each step from the CLI's defaults). */
  tuning?: DevServerTuning;
  /** Serve the server's Prometheus metrics (its `action` counter among them) on this port. */
  metricsPort?: number;
  namespace?: string;
  startTimeoutMs?: number;
}

/**
 * What the embedded dev server changes from the CLI's defaults. One process serves every task queue here, so the
 * settings a cluster needs to spread load only add hops; production (docker-compose, a real cluster) keeps its own.
 */
export interface DevServerTuning {
  /**
   * 'cli' keeps the CLI's SQLite defaults (rollback journal, synchronous=FULL: an fsync per commit); 'wal' is
   * WAL + synchronous=NORMAL (no corruption on a crash or power loss, the last commits may be lost on power loss);
   * 'wal-unsynced' is WAL + synchronous=OFF (data that is thrown away: tests and benchmarks).
   */
  sqlite: 'cli' | 'wal' | 'wal-unsynced';
  /**
   * Task-queue partitions: the server's default is 4, which on one host only makes a poll and its task meet later
   * (a task written to one partition waits for a poller there or for forwarding to the root). 1 removes that.
   */
  taskQueuePartitions?: number;
  /**
   * Server-side eager activity dispatch: an activity scheduled by a workflow task goes back to the same worker in the
   * reply to that task's completion, skipping matching. The SDK asks for it by default (`allowEagerDispatch`).
   */
  eagerActivities: boolean;
}

/** The CLI's defaults, the first step of the benchmark's ladder. */
export const CLI_DEFAULT_DEV_SERVER: DevServerTuning = { sqlite: 'cli', eagerActivities: false };
/** What `npm start`, the tests and the benchmark run, measured step by step by `npm run bench -- --dev-server-steps`. */
export const TUNED_DEV_SERVER: DevServerTuning = { sqlite: 'wal', taskQueuePartitions: 1, eagerActivities: true };

const SQLITE_PRAGMAS: Record<DevServerTuning['sqlite'], string[]> = {
  cli: [],
  wal: ['journal_mode=WAL', 'synchronous=NORMAL'],
  'wal-unsynced': ['journal_mode=WAL', 'synchronous=OFF'],
};

/** The tuning a server started with these options runs: `fastSqlite` picks the unsynced WAL over the synced one. */
export function effectiveTuning(o: Pick<DevServerOptions, 'tuning' | 'fastSqlite'>): DevServerTuning {
  const tuning = o.tuning ?? TUNED_DEV_SERVER;
  return o.fastSqlite && tuning.sqlite === 'wal' ? { ...tuning, sqlite: 'wal-unsynced' } : tuning;
}

function tuningArgs(t: DevServerTuning): string[] {
  const args = SQLITE_PRAGMAS[t.sqlite].flatMap((pragma) => ['--sqlite-pragma', pragma]);
  const dynamic: string[] = [];
  if (t.taskQueuePartitions !== undefined) {
    dynamic.push(`matching.numTaskqueueReadPartitions=${t.taskQueuePartitions}`, `matching.numTaskqueueWritePartitions=${t.taskQueuePartitions}`);
  }
  if (t.eagerActivities) dynamic.push('system.enableActivityEagerExecution=true');
  return [...args, ...dynamic.flatMap((value) => ['--dynamic-config-value', value])];
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

export function devServerArgs(o: DevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(o.port), '--log-level', 'error'];
  args.push(...(o.uiPort !== undefined ? ['--ui-port', String(o.uiPort)] : ['--headless']));
  if (o.dbFile) args.push('--db-filename', o.dbFile);
  if (o.metricsPort !== undefined) args.push('--metrics-port', String(o.metricsPort));
  args.push(...tuningArgs(effectiveTuning(o)));
  if (o.namespace && o.namespace !== 'default') args.push('--namespace', o.namespace);
  for (const key of OPSLOOP_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);
  // Updates (approval clicks) are on by default in recent servers; say so explicitly for older dynamic configs.
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true');
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true');
  return args;
}

async function waitUntilServing(address: string, child: ChildProcess, timeoutMs: number, output: () => string, namespace: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Temporal dev server exited with code ${child.exitCode}:\n${output()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await ensureSearchAttributes(connection, namespace);
      await connection.close();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`Temporal dev server did not answer on ${address} within ${timeoutMs} ms:\n${output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Starts `temporal server start-dev` with OpsLoop's search attributes and waits until it answers. */
export async function startDevServer(o: DevServerOptions): Promise<DevServer> {
  if (o.dbFile) mkdirSync(dirname(o.dbFile), { recursive: true });
  const child = spawn(o.cliPath, devServerArgs(o), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const address = `127.0.0.1:${o.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilServing(address, child, o.startTimeoutMs ?? 60_000, () => output, o.namespace ?? 'default');
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, uiUrl: o.uiPort !== undefined ? `http://localhost:${o.uiPort}` : undefined, process: child, stop };
}
