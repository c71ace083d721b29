import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goInstall, hasGo, versionOf } from './go-install';
import { TOOLS_DIR } from './paths';

/** The newest CLI tag `go install` accepts: v1.6+ carry a `replace` directive that `go install` refuses. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
/** CLI v1.5.1 embeds this server; a `go install` build reports version 0.0.0-DEV, so the server identifies it. */
const EXPECTED_SERVER = 'Server 1.29.1';
const MODULE = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;

/** Thrown when no usable Temporal CLI exists and none can be built; the message says what to do. */
export class TemporalCliError extends Error {
  override name = 'TemporalCliError';
}

export interface EnsureCliOptions {
  env?: NodeJS.ProcessEnv;
  toolsDir?: string;
  log?: (line: string) => void;
}

/**
 * Returns the path of a Temporal CLI: TEMPORAL_CLI_PATH if set, else the cached build under .tools/, else a fresh
 * `go install` into .tools/ (a few minutes, once). The cache is trusted only if the binary reports the right version.
 */
export async function ensureTemporalCli(options: EnsureCliOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const explicit = env.TEMPORAL_CLI_PATH?.trim();
  if (explicit) {
    try {
      accessSync(explicit, constants.X_OK);
    } catch {
      throw new TemporalCliError(`TEMPORAL_CLI_PATH=${explicit} is not an executable file.`);
    }
    if (!(await versionOf(explicit))) throw new TemporalCliError(`TEMPORAL_CLI_PATH=${explicit} does not run \`temporal --version\`.`);
    return explicit;
  }

  const binDir = join(options.toolsDir ?? TOOLS_DIR, `temporal-cli-${TEMPORAL_CLI_VERSION}`);
  const binary = join(binDir, 'temporal');
  if (existsSync(binary)) {
    const version = await versionOf(binary);
    if (version?.includes(EXPECTED_SERVER)) return binary;
    log(`Cached Temporal CLI at ${binary} reports "${version ?? 'nothing'}"; rebuilding.`);
  }
  if (!(await hasGo(env))) {
    throw new TemporalCliError(
      `No Temporal CLI found and Go is not installed: install Go ≥ 1.25 (then re-run), or set TEMPORAL_CLI_PATH to a temporal v${TEMPORAL_CLI_VERSION} binary.`,
    );
  }
  mkdirSync(binDir, { recursive: true });
  log(`Building the Temporal CLI v${TEMPORAL_CLI_VERSION} with Go into ${binDir} (first run only, a few minutes)…`);
  const started = Date.now();
  await goInstall({ packages: [MODULE], binDir, env, log, what: 'the Temporal CLI', toError: (m) => new TemporalCliError(m) });
  const version = await versionOf(binary);
  if (!version?.includes(EXPECTED_SERVER)) {
    throw new TemporalCliError(`Built ${binary} but it reports "${version ?? 'nothing'}", expected ${EXPECTED_SERVER}.`);
  }
  writeFileSync(join(binDir, 'BUILD_INFO'), `${MODULE}\n${version}\nbuilt in ${Math.round((Date.now() - started) / 1000)} s\n`);
  log(`Temporal CLI ready in ${Math.round((Date.now() - started) / 1000)} s: ${binary}`);
  return binary;
}

if (require.main === module) {
  ensureTemporalCli()
    .then((path) => process.stdout.write(`${path}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
