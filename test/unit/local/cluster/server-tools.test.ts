import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GoToolError } from '../../../../src/local/go-install';
import { ensureServerTools, ensureUiTools } from '../../../../src/local/cluster/server-tools';

const noGo = { PATH: '/nonexistent' };
const quiet = () => undefined;

function write(path: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
}
const fakeBinary = (path: string, version: string) => write(path, `#!/bin/sh\necho "${version}"\n`, 0o755);

/** A finished build of the server tools, as ensureServerTools leaves it. */
function serverBuild(tools: string, versions = { server: 'temporal version 1.29.1', sql: 'temporal-sql-tool version 1.29.1' }): string {
  const dir = join(tools, 'temporal-server-1.29.1');
  fakeBinary(join(dir, 'server'), versions.server);
  fakeBinary(join(dir, 'sql'), versions.sql);
  write(join(dir, 'schema/postgresql/v12/temporal/versioned/v1.0/manifest.json'), '{}');
  write(join(dir, 'config/development-postgres12.yaml'), 'log: {}\n');
  write(join(dir, 'config/development-sql.yaml'), '{}\n');
  write(join(dir, 'BUILD_INFO'), 'built\n');
  return dir;
}

describe('ensureServerTools', () => {
  it('reuses a finished build whose binaries report 1.29.1, without Go', async () => {
    const tools = mkdtempSync(join(tmpdir(), 'opsloop-tools-'));
    const dir = serverBuild(tools);
    await expect(ensureServerTools({ env: noGo, toolsDir: tools, log: quiet })).resolves.toEqual({
      server: join(dir, 'server'),
      sql: join(dir, 'sql'),
      schemaDir: join(dir, 'schema/postgresql/v12'),
      configTemplate: join(dir, 'config/development-postgres12.yaml'),
      dynamicConfigTemplate: join(dir, 'config/development-sql.yaml'),
    });
  });

  const refused = async (tools: string) => {
    const attempt = ensureServerTools({ env: noGo, toolsDir: tools, log: quiet });
    await expect(attempt).rejects.toBeInstanceOf(GoToolError);
    await expect(attempt).rejects.toThrow(/Cannot build the Temporal server v1\.29\.1 into .*: Go is not installed\. Install Go ≥ 1\.25/);
  };

  it('does not trust a binary of another version', async () => {
    const tools = mkdtempSync(join(tmpdir(), 'opsloop-tools-'));
    serverBuild(tools, { server: 'temporal version 1.28.0', sql: 'temporal-sql-tool version 1.29.1' });
    await refused(tools);
  });

  it('does not trust a build cut short (no BUILD_INFO yet)', async () => {
    const tools = mkdtempSync(join(tmpdir(), 'opsloop-tools-'));
    rmSync(join(serverBuild(tools), 'BUILD_INFO'));
    await refused(tools);
  });

  it('does not trust a build whose copied schemas are missing', async () => {
    const tools = mkdtempSync(join(tmpdir(), 'opsloop-tools-'));
    rmSync(join(serverBuild(tools), 'schema'), { recursive: true });
    await refused(tools);
  });
});

describe('ensureUiTools', () => {
  it('reuses a finished build of the UI server 2.42.1', async () => {
    const tools = mkdtempSync(join(tmpdir(), 'opsloop-tools-'));
    const dir = join(tools, 'temporal-ui-server-2.42.1');
    fakeBinary(join(dir, 'server'), 'Temporal UI version 2.42.1');
    write(join(dir, 'config/development.yaml'), 'port: 8080\n');
    write(join(dir, 'BUILD_INFO'), 'built\n');
    await expect(ensureUiTools({ env: noGo, toolsDir: tools, log: quiet })).resolves.toEqual({
      server: join(dir, 'server'),
      configTemplate: join(dir, 'config/development.yaml'),
    });
  });
});
