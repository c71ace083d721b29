import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GoToolError, goInstall, goModCache, hasGo, versionOf } from '../go-install';
import { TOOLS_DIR } from '../paths';

/** The server the CLI's dev server embeds (Server 1.29.1), so the cluster runs what every other test runs. */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
/** The Web UI the same CLI (v1.5.1) serves. */
export const TEMPORAL_UI_VERSION = '2.42.1';

const SERVER_MODULE = 'go.temporal.io/server';
const UI_MODULE = 'github.com/temporalio/ui-server/v2';

/** Everything a cluster run needs from Temporal's modules, copied out of the module cache, which may be cleaned. */
export interface ServerTools {
  /** `server start --service=…` */
  server: string;
  /** temporal-sql-tool: creates the databases and their schemas. */
  sql: string;
  /** schema/postgresql/v12/{temporal,visibility}/versioned */
  schemaDir: string;
  /** The module's config/development-postgres12.yaml, the base of every run's config. */
  configTemplate: string;
  /** Its dynamic config (config/dynamicconfig/development-sql.yaml). */
  dynamicConfigTemplate: string;
}

export interface UiTools {
  server: string;
  /** The module's config/development.yaml. */
  configTemplate: string;
}

export interface EnsureToolsOptions {
  env?: NodeJS.ProcessEnv;
  toolsDir?: string;
  log?: (line: string) => void;
}

interface ToolSpec {
  what: string;
  dir: string;
  packages: string[];
  /** Binaries and the `--version` text each must print. */
  binaries: Record<string, string>;
  /** Files copied from the module's source: destination (relative to dir) → source (relative to the module). */
  copies: Record<string, string>;
  module: string;
  version: string;
}

/** Copies a file or a tree; the module cache is read-only, and copies that keep that mode could not be replaced. */
function copyWritable(from: string, to: string): void {
  if (statSync(from).isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) copyWritable(join(from, name), join(to, name));
  } else {
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    chmodSync(to, 0o644);
  }
}

async function isReady(spec: ToolSpec): Promise<boolean> {
  if (!existsSync(join(spec.dir, 'BUILD_INFO'))) return false;
  for (const dest of Object.keys(spec.copies)) if (!existsSync(join(spec.dir, dest))) return false;
  for (const [binary, expected] of Object.entries(spec.binaries)) {
    if (!(await versionOf(join(spec.dir, binary)))?.includes(expected)) return false;
  }
  return true;
}

/**
 * Builds one module's tools into .tools/ with `go install` (minutes, once) and copies what a run reads from the
 * module's source beside them. BUILD_INFO is written last: a build cut short is redone, never half-trusted.
 */
async function ensureTools(spec: ToolSpec, options: EnsureToolsOptions): Promise<void> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (await isReady(spec)) return;
  if (!(await hasGo(env))) {
    throw new GoToolError(`Cannot build ${spec.what} v${spec.version} into ${spec.dir}: Go is not installed. Install Go ≥ 1.25, then re-run.`);
  }
  rmSync(join(spec.dir, 'BUILD_INFO'), { force: true });
  mkdirSync(spec.dir, { recursive: true });
  log(`Building ${spec.what} v${spec.version} with Go into ${spec.dir} (first run only, a few minutes)…`);
  const started = Date.now();
  await goInstall({ packages: spec.packages, binDir: spec.dir, env, log, what: spec.what });
  const source = join(await goModCache(env), `${spec.module.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`)}@v${spec.version}`);
  for (const [dest, from] of Object.entries(spec.copies)) {
    rmSync(join(spec.dir, dest), { recursive: true, force: true });
    copyWritable(join(source, from), join(spec.dir, dest));
  }
  for (const [binary, expected] of Object.entries(spec.binaries)) {
    const version = await versionOf(join(spec.dir, binary));
    if (!version?.includes(expected)) throw new GoToolError(`Built ${join(spec.dir, binary)} but it reports "${version ?? 'nothing'}", expected ${expected}.`);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(join(spec.dir, 'BUILD_INFO'), `${spec.packages.join('\n')}\nbuilt in ${seconds} s\n`);
  log(`${spec.what} ready in ${seconds} s: ${spec.dir}`);
}

/** The Temporal server and its SQL tool, built once into .tools/temporal-server-<version>/. */
export async function ensureServerTools(options: EnsureToolsOptions = {}): Promise<ServerTools> {
  const dir = join(options.toolsDir ?? TOOLS_DIR, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  await ensureTools(
    {
      what: 'the Temporal server',
      dir,
      module: SERVER_MODULE,
      version: TEMPORAL_SERVER_VERSION,
      packages: [`${SERVER_MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`, `${SERVER_MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`],
      binaries: { server: `temporal version ${TEMPORAL_SERVER_VERSION}`, sql: `temporal-sql-tool version ${TEMPORAL_SERVER_VERSION}` },
      copies: {
        'schema/postgresql/v12': 'schema/postgresql/v12',
        'config/development-postgres12.yaml': 'config/development-postgres12.yaml',
        'config/development-sql.yaml': 'config/dynamicconfig/development-sql.yaml',
      },
    },
    options,
  );
  return {
    server: join(dir, 'server'),
    sql: join(dir, 'sql'),
    schemaDir: join(dir, 'schema/postgresql/v12'),
    configTemplate: join(dir, 'config/development-postgres12.yaml'),
    dynamicConfigTemplate: join(dir, 'config/development-sql.yaml'),
  };
}

/** The Web UI server (its built assets are embedded in the module), built once into .tools/temporal-ui-server-<version>/. */
export async function ensureUiTools(options: EnsureToolsOptions = {}): Promise<UiTools> {
  const dir = join(options.toolsDir ?? TOOLS_DIR, `temporal-ui-server-${TEMPORAL_UI_VERSION}`);
  await ensureTools(
    {
      what: 'the Temporal Web UI',
      dir,
      module: UI_MODULE,
      version: TEMPORAL_UI_VERSION,
      packages: [`${UI_MODULE}/cmd/server@v${TEMPORAL_UI_VERSION}`],
      binaries: { server: `Temporal UI version ${TEMPORAL_UI_VERSION}` },
      copies: { 'config/development.yaml': 'config/development.yaml' },
    },
    options,
  );
  return { server: join(dir, 'server'), configTemplate: join(dir, 'config/development.yaml') };
}
