import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonlAuditFile, createJsonlAuditStore } from '../../../src/audit/jsonl-store';
import { AuditFileLockedError, LOCK_STALE_MS } from '../../../src/audit/writer-lock';
import { hermeticEnv, startEntryPoint, type RunningChild } from '../../../src/local/child-process';
import { writeSandboxFiles } from '../../../src/sandbox/sandbox-files';
import { testPolicy } from '../../helpers/test-policy';

const tmp = () => mkdtempSync(join(tmpdir(), 'opsloop-audit-lock-'));
const children: RunningChild[] = [];
afterAll(async () => {
  await Promise.all(children.map((c) => c.kill9()));
});

/** Another process that writes `dir`'s file for `writer` until it is killed. */
async function holder(dir: string, writer: string): Promise<RunningChild> {
  const child = startEntryPoint('holder', 'test/unit/audit/hold-audit-file.ts', { env: { ...hermeticEnv(), HOLD_DIR: dir, HOLD_WRITER: writer } });
  children.push(child);
  await child.waitForLine(/^holding$/, 30_000);
  return child;
}

const exitOf = (child: RunningChild) =>
  new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (!child.running()) {
        clearInterval(poll);
        resolve();
      }
    }, 50);
  });

describe('one writer per JSON-lines audit file', () => {
  it('a second API process on the same data folder stops at start-up with one line saying several processes need PostgreSQL', async () => {
    const dir = tmp();
    const first = await holder(dir, 'api');
    const env = {
      ...hermeticEnv(),
      ...writeSandboxFiles(dir, { policy: testPolicy() }),
      SLACK_SIGNING_SECRET: 'a'.repeat(32),
      SERVICENOW_WEBHOOK_SECRET: 'b'.repeat(32),
      // Never reached: the audit file is opened before Temporal is.
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      PORT: '0',
    };
    const lines: string[] = [];
    const second = startEntryPoint('api', 'src/api/main.ts', { env, onLine: (l) => lines.push(l) });
    children.push(second);
    await exitOf(second);

    const file = jsonlAuditFile(dir, 'api');
    expect(lines).toEqual([
      `opsloop api failed: the audit file ${file} is already written by process ${first.pid} on ${hostname()} (lock ${file}.lock); several API or worker processes need PostgreSQL: set DATABASE_URL`,
    ]);
    expect(first.running()).toBe(true);
  });

  it('takes over the lock of a writer that was killed, keeping what it wrote', async () => {
    const dir = tmp();
    const first = await holder(dir, 'worker');
    expect(() => createJsonlAuditStore(dir, 'worker')).toThrow(AuditFileLockedError);
    await first.kill9();

    const store = createJsonlAuditStore(dir, 'worker');
    expect(JSON.parse(readFileSync(`${jsonlAuditFile(dir, 'worker')}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect((await store.list({})).map((e) => e.eventId)).toEqual([`held-by-${first.pid}`]);
    await store.close();
  });

  it('lets the API and the worker share the folder, refuses a second store of one writer in the same process, and frees the file on close', async () => {
    const dir = tmp();
    const api = createJsonlAuditStore(dir, 'api');
    const worker = createJsonlAuditStore(dir, 'worker');
    expect(() => createJsonlAuditStore(dir, 'api')).toThrow(`already written by process ${process.pid}`);
    await api.close();
    const again = createJsonlAuditStore(dir, 'api');
    await Promise.all([again.close(), worker.close()]);
  });

  it('takes over a lock whose pid now belongs to another process, and one from another host once its holder stopped touching it', async () => {
    const dir = tmp();
    const lock = `${jsonlAuditFile(dir, 'api')}.lock`;
    // The pid lives (this test's parent), but it started at another time than the lock's writer did: a reused pid.
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname(), started: '1' }));
    await createJsonlAuditStore(dir, 'api').close();

    // Another host's (a container sharing the volume): alive while its holder touches it.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: 'another-host', started: '1' }));
    expect(() => createJsonlAuditStore(dir, 'api')).toThrow(`already written by process ${process.pid} on another-host`);
    const untouched = new Date(Date.now() - LOCK_STALE_MS - 1000);
    utimesSync(lock, untouched, untouched);
    await createJsonlAuditStore(dir, 'api').close();
  });
});
