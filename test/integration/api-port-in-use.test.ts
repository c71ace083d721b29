import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hermeticEnv, startEntryPoint, type RunningChild } from '../../src/local/child-process';
import { writeSandboxFiles } from '../../src/sandbox/sandbox-files';
import { testPolicy } from '../helpers/test-policy';
import { temporalAddress } from '../helpers/temporal';

const exitCodeOf = (child: RunningChild, timeoutMs: number) =>
  Promise.race([child.exited(), new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), timeoutMs).unref())]);

describe('the API entry point', () => {
  let taken: Server | undefined;
  let child: RunningChild | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'opsloop-port-'));
  afterAll(async () => {
    await child?.kill9();
    await new Promise((r) => (taken ? taken.close(r) : r(undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops with one line naming the port when another process already listens on it, instead of saying it listens', async () => {
    taken = createServer();
    const port = await new Promise<number>((resolve) => taken!.listen(0, '127.0.0.1', () => resolve((taken!.address() as { port: number }).port)));
    const lines: string[] = [];
    child = startEntryPoint('api', 'src/api/main.ts', {
      env: {
        ...hermeticEnv(),
        ...writeSandboxFiles(dir, { policy: testPolicy() }),
        SLACK_SIGNING_SECRET: 'a'.repeat(32),
        SERVICENOW_WEBHOOK_SECRET: 'b'.repeat(32),
        TEMPORAL_ADDRESS: temporalAddress(),
        PORT: String(port),
      },
      onLine: (l) => lines.push(l),
    });

    expect(await exitCodeOf(child, 60_000)).toBe(1);
    expect(lines.filter((l) => l.includes('api listening'))).toEqual([]);
    expect(lines.at(-1)).toBe(`opsloop api failed: port ${port} is already in use (another process listens on it); set PORT to a free one`);
  });
});
