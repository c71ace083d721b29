import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Thrown when a Go tool cannot be found or built; the message says what to do. */
export class GoToolError extends Error {
  override name = 'GoToolError';
}

/** What `path --version` prints, or undefined when it does not run. */
export async function versionOf(path: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(path, ['--version'], { timeout: 30_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

export async function hasGo(env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    await run('go', ['version'], { timeout: 30_000, env });
    return true;
  } catch {
    return false;
  }
}

/** The Go module cache, where `go install` leaves each module's full source (schemas, config templates). */
export async function goModCache(env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run('go', ['env', 'GOMODCACHE'], { timeout: 30_000, env });
  return stdout.trim();
}

export interface GoInstallOptions {
  /** `module/path/cmd/x@vX.Y.Z`; several packages of one module version build in one go. */
  packages: readonly string[];
  binDir: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** For the progress line, e.g. "the Temporal CLI". */
  what: string;
  /** An error class whose message the caller's users recognise. */
  toError?: (message: string) => Error;
}

/** `go install` into binDir, with a progress line every 30 s (a cold build takes minutes). */
export function goInstall(o: GoInstallOptions): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('go', ['install', ...o.packages], {
      env: { ...o.env, GOBIN: o.binDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const ticker = setInterval(() => o.log(`  …still building ${o.what} (first run only)`), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(ticker);
      if (code === 0) resolvePromise();
      else reject((o.toError ?? ((m: string) => new GoToolError(m)))(`go install ${o.packages.join(' ')} failed (exit ${code}):\n${stderr}`));
    });
  });
}
