import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { Client as Pg } from 'pg';
import { DEFAULT_DATABASE_URL } from '../../src/local/cluster/database';
import { freePort } from '../helpers/free-port';
import { eventually } from '../helpers/eventually';

const ROOT = resolve(__dirname, '..', '..');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function databasesNamed(names: string[]): Promise<string[]> {
  const pg = new Pg({ connectionString: new URL('/postgres', process.env.TEMPORAL_CLUSTER_DATABASE_URL || DEFAULT_DATABASE_URL).toString() });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1)', [names]);
    return rows.map((r) => r.datname);
  } finally {
    await pg.end();
  }
}

describe('npm run cluster', () => {
  it('starts frontend, history, matching and worker as processes of their own plus the Web UI, and Ctrl-C leaves nothing behind', async () => {
    const port = await freePort();
    const uiPort = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/local/cluster/main.ts', '--port', String(port), '--ui-port', String(uiPort)], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let pids: { service: string | undefined; pid: number }[] = [];
    try {
      const started = Date.now();
      await eventually(() => /Ctrl-C stops every process/.test(output) || child.exitCode !== null, 180_000, 'the cluster to be ready');
      expect(child.exitCode).toBeNull();
      process.stdout.write(`cluster: npm run cluster was ready after ${Date.now() - started} ms\n`);

      expect(output).toMatch(new RegExp(`frontend\\s+127\\.0\\.0\\.1:${port} \\(gRPC\\)`));
      expect(output).toContain(`Web UI     http://127.0.0.1:${uiPort}`);
      pids = [...output.matchAll(/^\s+(frontend|history|matching|worker)\s.*pid (\d+)$/gm)].map((m) => ({ service: m[1], pid: Number(m[2]) }));
      expect(pids.map((p) => p.service)).toEqual(['frontend', 'history', 'matching', 'worker']);
      expect(new Set(pids.map((p) => p.pid)).size).toBe(4);
      for (const { pid } of pids) expect(alive(pid)).toBe(true);
      const databases = /databases\s+(\S+), (\S+) on/.exec(output)?.slice(1, 3) ?? [];
      expect(await databasesNamed(databases)).toEqual(expect.arrayContaining(databases));
      const runDir = /logs\s+(\S+)\/\*\.log/.exec(output)?.[1] ?? '';
      expect(existsSync(runDir)).toBe(true);

      const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
      try {
        const { namespaceInfo, config } = await connection.workflowService.describeNamespace({ namespace: 'default' });
        expect(namespaceInfo?.name).toBe('default');
        expect(Number(config?.workflowExecutionRetentionTtl?.seconds)).toBe(72 * 3600);
      } finally {
        await connection.close();
      }
      expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      for (const { pid } of pids) expect({ pid, alive: alive(pid) }).toEqual({ pid, alive: false });
      expect(await databasesNamed(databases)).toEqual([]);
      expect(existsSync(runDir)).toBe(false);
      await expect(fetch(`http://127.0.0.1:${uiPort}/`)).rejects.toThrow();
    } finally {
      // Whatever happened above, the machine is left as it was found.
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      }
      for (const { pid } of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
