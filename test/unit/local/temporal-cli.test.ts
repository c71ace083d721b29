import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemporalCliError, ensureTemporalCli } from '../../../src/local/temporal-cli';

const tmp = () => mkdtempSync(join(tmpdir(), 'opsloop-cli-'));

function fakeCli(dir: string, version: string): string {
  const path = join(dir, 'temporal');
  writeFileSync(path, `#!/bin/sh\necho "${version}"\n`);
  chmodSync(path, 0o755);
  return path;
}

const noGo = { PATH: '/nonexistent' };
const quiet = () => undefined;

describe('ensureTemporalCli', () => {
  it('uses TEMPORAL_CLI_PATH when it runs', async () => {
    const path = fakeCli(tmp(), 'temporal version 9.9.9');
    await expect(ensureTemporalCli({ env: { TEMPORAL_CLI_PATH: path }, log: quiet })).resolves.toBe(path);
  });

  it('refuses a TEMPORAL_CLI_PATH that is not executable', async () => {
    await expect(ensureTemporalCli({ env: { TEMPORAL_CLI_PATH: '/nonexistent/temporal' }, log: quiet })).rejects.toThrow(
      'TEMPORAL_CLI_PATH=/nonexistent/temporal is not an executable file.',
    );
  });

  it('reuses a cached build that reports the expected server version', async () => {
    const tools = tmp();
    const dir = join(tools, 'temporal-cli-1.5.1');
    mkdirSync(dir);
    const path = fakeCli(dir, 'temporal version 0.0.0-DEV (Server 1.29.1, UI 2.42.1)');
    await expect(ensureTemporalCli({ env: noGo, toolsDir: tools, log: quiet })).resolves.toBe(path);
  });

  it('does not trust a cached file of another version, and says how to proceed without Go', async () => {
    const tools = tmp();
    const dir = join(tools, 'temporal-cli-1.5.1');
    mkdirSync(dir);
    fakeCli(dir, 'temporal version 1.0.0 (Server 1.20.0)');
    const lines: string[] = [];
    const attempt = ensureTemporalCli({ env: noGo, toolsDir: tools, log: (l) => lines.push(l) });
    await expect(attempt).rejects.toBeInstanceOf(TemporalCliError);
    await expect(attempt).rejects.toThrow(/Go is not installed: install Go ≥ 1.25 .*or set TEMPORAL_CLI_PATH/);
    expect(lines.join('\n')).toContain('rebuilding');
  });
});
