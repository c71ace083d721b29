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
  /** Trade durability for speed (tests and benchmarks): WAL + synchronous=OFF. */
  fastSqlite?: boolean;
  namespace?: string;
  startTimeoutMs?: number;
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
  if (o.fastSqlite) args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF');
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
