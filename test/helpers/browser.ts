import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../src/local/paths';

const run = promisify(execFile);

/** Where Debian's chromium package puts the browser the sandbox console test drives. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const INSTALL_SCRIPT = join(PROJECT_ROOT, 'scripts', 'install-browser.sh');
/** apt-get update + install of chromium and two font packages: a few minutes on a slow mirror. */
const INSTALL_TIMEOUT_MS = 15 * 60_000;

export type BrowserCheck = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Makes sure the browser is there, installing it once with scripts/install-browser.sh (as the Temporal CLI is built
 * once): a fresh machine's first `npm test` then needs no extra step. Never throws: when it cannot install (no root
 * and no password-less sudo, not Debian), it returns the reason, and only the test that needs the browser fails.
 */
export async function ensureBrowser(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<BrowserCheck> {
  if (existsSync(CHROMIUM_PATH)) return { ok: true, path: CHROMIUM_PATH };
  log(`${CHROMIUM_PATH} is missing: installing it with scripts/install-browser.sh (first run only)…`);
  try {
    const { stdout } = await run('bash', [INSTALL_SCRIPT], { timeout: INSTALL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
    log(stdout.trim().split('\n').at(-1) ?? '');
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    return { ok: false, reason: `${CHROMIUM_PATH} is missing and scripts/install-browser.sh could not install it:\n${stderr || String(err)}` };
  }
  return existsSync(CHROMIUM_PATH) ? { ok: true, path: CHROMIUM_PATH } : { ok: false, reason: `scripts/install-browser.sh ran but ${CHROMIUM_PATH} is still missing.` };
}
