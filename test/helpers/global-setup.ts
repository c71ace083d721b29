import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer, type DevServer } from '../../src/local/dev-server';
import { ensureTemporalCli } from '../../src/local/temporal-cli';
import { ensureBrowser } from './browser';
import { freePort } from './free-port';
import { writeWorkflowBundle } from './workflow-bundle';

declare global {
  // Shared with global-teardown, which runs in the same process.
  var __OPSLOOP_DEV_SERVER__: DevServer | undefined;
}

/**
 * One real Temporal dev server (in-memory SQLite, headless) and one workflow bundle for the whole integration run;
 * each test then uses its own task queue and workflow ids. Test files find both through the environment. What the
 * suite needs from the machine is installed here on first use (the Temporal CLI, the sandbox console's browser), so
 * a fresh clone's `npm test` needs no other step.
 */
export default async function globalSetup(): Promise<void> {
  const [cliPath, browser] = await Promise.all([ensureTemporalCli(), ensureBrowser()]);
  if (browser.ok) process.env.OPSLOOP_TEST_CHROMIUM = browser.path;
  else process.env.OPSLOOP_TEST_CHROMIUM_MISSING = browser.reason;
  const server = await startDevServer({ cliPath, port: await freePort(), fastSqlite: true });
  globalThis.__OPSLOOP_DEV_SERVER__ = server;
  const bundlePath = await writeWorkflowBundle(mkdtempSync(join(tmpdir(), 'opsloop-test-')));
  process.env.OPSLOOP_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.OPSLOOP_TEST_TEMPORAL_CLI = cliPath;
  process.env.OPSLOOP_TEST_WORKFLOW_BUNDLE = bundlePath;
}
