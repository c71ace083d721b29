import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { SearchAttributeType } from '@temporalio/common';
import { parse } from 'yaml';
import { loadApiConfig, loadWorkerConfig } from '../../src/config/env';
import { OPSLOOP_SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: string | (string | { path: string; required?: boolean })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  ports?: (string | number)[];
  healthcheck?: { test?: string | string[] };
  init?: boolean;
  restart?: string;
}

// merge: the api and worker environments share a block through a YAML merge key (`<<:`), as Compose allows.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const service = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};

const environmentOf = (s: Service): Record<string, string> => {
  const env = s.environment ?? {};
  const entries = Array.isArray(env)
    ? env.map((line) => [line.split('=')[0] ?? '', line.slice(line.indexOf('=') + 1)] as const)
    : Object.entries(env).map(([k, v]) => [k, String(v ?? '')] as const);
  return Object.fromEntries(entries);
};

/**
 * The command of an npm script as an exec-form argv. The containers run it without `npm run` in between (see the
 * Dockerfile), so it must stay a plain command: no shell syntax, which an exec form would not interpret.
 */
const npmScript = (name: string): string[] => {
  const command = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts[name] ?? '';
  expect(command).toMatch(/^tsx [\w./-]+\.ts$/);
  return command.split(' ');
};

const OPSLOOP_SERVICES = ['opsloop-api', 'opsloop-worker'] as const;
const apiEnv = environmentOf(service('opsloop-api'));
const workerEnv = environmentOf(service('opsloop-worker'));
const passedToOpsLoop = new Set([...Object.keys(apiEnv), ...Object.keys(workerEnv)]);

/*
 * The contract's names come from .env.example, the file users copy: every `NAME=` line. It is the only complete,
 * machine-readable list (env.ts does not read every contract variable yet, and DESIGN.md lives outside the repo),
 * so it is itself held to the code and to the design below: whatever env.ts asks the environment for, and every
 * name of DESIGN.md §7, must be in it.
 */
const envExample = new Map([...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
const CONTRACT = new Set(envExample.keys());

/** DESIGN.md §7: "keep them stable (add, don't rename)". */
const DESIGN_CONTRACT = [
  'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_API_KEY',
  'TEMPORAL_CLI_PATH', 'PORT', 'SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_API_URL', 'SLACK_INCIDENT_CHANNEL',
  'SERVICENOW_INSTANCE_URL', 'SERVICENOW_USERNAME', 'SERVICENOW_PASSWORD', 'SERVICENOW_WEBHOOK_SECRET',
  'AGENT_WEBHOOK_URL', 'AGENT_WEBHOOK_SECRET', 'AGENT_AUTH', 'AGENT_CALLBACK_SECRET', 'OPSLOOP_POLICY_FILE', 'DATABASE_URL', 'LOG_LEVEL',
];

/** Contract variables that only `npm start` reads, so no container is given them. */
const LOCAL_ONLY = new Set(['TEMPORAL_CLI_PATH']);

/**
 * The names a config loader reads, found by handing it an environment that records every lookup. This follows the
 * zod schemas in env.ts exactly, without parsing its source; an empty environment is invalid, so the throw is expected.
 */
function namesReadBy(load: (env: Record<string, string | undefined>) => unknown): Set<string> {
  const names = new Set<string>();
  const record = (key: string | symbol) => {
    if (typeof key === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key)) names.add(key);
  };
  const env = new Proxy<Record<string, string | undefined>>({}, {
    get: (_target, key) => (record(key), undefined),
    has: (_target, key) => (record(key), false),
  });
  try {
    load(env);
  } catch {
    // ConfigError for the missing required variables: only the names matter here.
  }
  return names;
}

// The setup script is POSIX shell, as in its container.
const posixIt = process.platform === 'win32' ? it.skip : it;

const SECRET_LOOKING = /SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE|CREDENTIAL|_KEY$|DATABASE_URL/i;

describe('docker-compose.yml', () => {
  it('defines the Temporal stack and the two OpsLoop services', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['opsloop-api', 'opsloop-worker', 'postgresql', 'temporal', 'temporal-setup', 'temporal-ui'].sort(),
    );
  });

  it('pins every third-party image, with Temporal 1.29.x on PostgreSQL', () => {
    expect(service('postgresql').image).toBe('postgres:16');
    expect(service('temporal').image).toMatch(/^temporalio\/auto-setup:1\.29\.\d+$/);
    expect(service('temporal-setup').image).toMatch(/^temporalio\/admin-tools:1\.29\.\d+\S*$/);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);

    const temporalEnv = environmentOf(service('temporal'));
    expect(temporalEnv).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(temporalEnv.POSTGRES_USER).toBe(environmentOf(service('postgresql')).POSTGRES_USER);
    expect(temporalEnv.POSTGRES_PWD).toBe(environmentOf(service('postgresql')).POSTGRES_PASSWORD);
    expect(service('temporal').healthcheck?.test).toBeDefined();
    expect(service('temporal').depends_on).toEqual({ postgresql: { condition: 'service_healthy' } });

    expect(service('temporal-ui').ports).toContain('8233:8080');
    expect(environmentOf(service('temporal-ui')).TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it.each([
    ['opsloop-api', 'api'],
    ['opsloop-worker', 'worker'],
  ])('builds %s from the Dockerfile and runs the `npm run %s` command', (name, script) => {
    const s = service(name);
    const build = typeof s.build === 'string' ? { context: s.build } : s.build;
    expect(build?.context).toBe('.');
    expect(build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
    expect(s.image).toBeUndefined();
    expect(s.command).toEqual(npmScript(script));
    expect(s.init).toBe(true); // an init as PID 1 hands SIGTERM to tsx, which relays it to node: the worker drains
    expect(s.env_file).toEqual([{ path: '.env', required: false }]);
    expect(s.depends_on).toMatchObject({ 'temporal-setup': { condition: 'service_completed_successfully' } });
  });

  it('publishes the API on PORT', () => {
    expect(service('opsloop-api').ports).toEqual(['${PORT:-3000}:${PORT:-3000}']);
    expect(apiEnv.PORT).toBe('${PORT:-3000}');
  });

  describe('configuration contract', () => {
    it('.env.example covers DESIGN.md §7 and everything env.ts reads', () => {
      expect(CONTRACT.size).toBeGreaterThan(0);
      for (const name of DESIGN_CONTRACT) expect({ name, documented: CONTRACT.has(name) }).toEqual({ name, documented: true });
      const readByCode = [...namesReadBy(loadApiConfig), ...namesReadBy(loadWorkerConfig)];
      // Guards the probe itself: if it stopped seeing lookups, the next loop would pass vacuously.
      expect(readByCode).toEqual(expect.arrayContaining(['TEMPORAL_ADDRESS', 'SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN']));
      for (const name of readByCode) expect({ name, documented: CONTRACT.has(name) }).toEqual({ name, documented: true });
    });

    it.each(OPSLOOP_SERVICES)('%s is given only contract variables, each from its own name', (name) => {
      const env = environmentOf(service(name));
      expect(Object.keys(env).length).toBeGreaterThan(0);
      for (const [key, value] of Object.entries(env)) {
        expect({ key, contract: CONTRACT.has(key) }).toEqual({ key, contract: true });
        // `${KEY}` or `${KEY:-default}`: never a literal value, never another variable's.
        expect({ key, value }).toEqual({ key, value: expect.stringMatching(new RegExp(`^\\$\\{${key}(:?-[^}]*)?\\}$`)) });
      }
    });

    it('gives each process every variable its loader reads', () => {
      for (const name of namesReadBy(loadApiConfig)) expect({ name, api: name in apiEnv }).toEqual({ name, api: true });
      for (const name of namesReadBy(loadWorkerConfig)) expect({ name, worker: name in workerEnv }).toEqual({ name, worker: true });
    });

    it('passes every variable of .env.example to an OpsLoop service, except the npm-start-only ones', () => {
      for (const name of CONTRACT) {
        expect({ name, passed: passedToOpsLoop.has(name) }).toEqual({ name, passed: !LOCAL_ONLY.has(name) });
      }
    });

    it('points the containers at the compose Temporal, in one namespace', () => {
      expect(apiEnv.TEMPORAL_ADDRESS).toBe('${TEMPORAL_ADDRESS:-temporal:7233}');
      expect(workerEnv.TEMPORAL_ADDRESS).toBe('${TEMPORAL_ADDRESS:-temporal:7233}');
      const namespace = environmentOf(service('temporal')).DEFAULT_NAMESPACE;
      expect(namespace).toBe('${TEMPORAL_NAMESPACE:-default}');
      expect(environmentOf(service('temporal-setup')).NAMESPACE).toBe(namespace);
      expect(apiEnv.TEMPORAL_NAMESPACE).toBe(namespace);
      expect(workerEnv.TEMPORAL_NAMESPACE).toBe(namespace);
    });
  });

  describe('temporal-setup', () => {
    const setup = service('temporal-setup');
    // Compose turns `$$` into `$` and would interpolate any other `$` itself, before the shell sees the script.
    const script = [setup.command].flat().join('\n');

    /** Runs the one-shot exactly as its container would, against a fake `temporal` that logs its arguments. */
    function runSetup(fake: { exists?: string; conflict?: string } = {}) {
      const dir = mkdtempSync(join(tmpdir(), 'opsloop-setup-'));
      try {
        const calls = join(dir, 'calls');
        writeFileSync(
          join(dir, 'temporal'),
          [
            '#!/bin/sh',
            'printf \'%s\\n\' "$*" >> "$CALLS"',
            'for arg; do',
            '  if [ "$arg" = "$CONFLICT" ]; then echo "search attribute $arg already exists and has different type Text" >&2; exit 1; fi',
            '  if [ "$arg" = "$EXISTS" ]; then echo "Search attribute $arg already exists." >&2; exit 1; fi',
            'done',
            'echo "Search attributes have been added"',
          ].join('\n'),
          { mode: 0o755 },
        );
        const [shell = '', ...shellArgs] = [setup.entrypoint ?? []].flat();
        const result = spawnSync(shell, [...shellArgs, ...[setup.command ?? []].flat().map((a) => a.replaceAll('$$', '$'))], {
          encoding: 'utf8',
          timeout: 10_000,
          env: {
            PATH: `${dir}${delimiter}${process.env.PATH ?? ''}`,
            ...environmentOf(setup),
            NAMESPACE: 'ops-test', // what Compose makes of ${TEMPORAL_NAMESPACE:-default} when it is set
            CALLS: calls,
            EXISTS: fake.exists ?? '',
            CONFLICT: fake.conflict ?? '',
          },
        });
        const lines = existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [];
        const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];
        const creates = lines
          .map((line) => line.split(' '))
          .map((args) => ({
            command: args.slice(0, 3).join(' '),
            name: flag(args, '--name'),
            type: flag(args, '--type'),
            namespace: flag(args, '--namespace'),
            address: flag(args, '--address'),
          }));
        return { status: result.status, stderr: result.stderr, creates };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }

    it('runs once Temporal is healthy and is not restarted', () => {
      expect(setup.depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
      expect(setup.restart).toBe('no');
    });

    it('leaves no `$` for Compose to interpolate', () => {
      expect(script).toContain('$$');
      expect(script.replaceAll('$$', '')).not.toContain('$');
    });

    posixIt('registers exactly the search attributes OpsLoop writes, as Keyword, in the configured namespace', () => {
      const { status, creates } = runSetup();
      expect(status).toBe(0);
      expect(creates.map((c) => c.name).sort()).toEqual(OPSLOOP_SEARCH_ATTRIBUTES.map((a) => a.name).sort());
      expect(OPSLOOP_SEARCH_ATTRIBUTES.map((a) => a.type)).toEqual(OPSLOOP_SEARCH_ATTRIBUTES.map(() => SearchAttributeType.KEYWORD));
      for (const c of creates) {
        expect(c).toEqual({ command: 'operator search-attribute create', name: c.name, type: 'Keyword', namespace: 'ops-test', address: 'temporal:7233' });
      }
    });

    posixIt('tolerates an attribute that already exists', () => {
      const { status, creates } = runSetup({ exists: 'IncidentPriority' });
      expect(status).toBe(0);
      expect(creates.map((c) => c.name).sort()).toEqual(OPSLOOP_SEARCH_ATTRIBUTES.map((a) => a.name).sort());
    });

    posixIt('fails when an attribute exists with another type', () => {
      const { status, stderr } = runSetup({ conflict: 'OpsStage' });
      expect(status).not.toBe(0);
      expect(stderr).toContain('OpsStage already exists and has different type');
    });
  });
});

describe('Dockerfile', () => {
  // One instruction per entry: continuations joined, comments and blank lines dropped.
  const instructions = read('Dockerfile')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
      return { op: op.toUpperCase(), args };
    });
  const lastFrom = instructions.map((i) => i.op).lastIndexOf('FROM');
  const finalStage = instructions.slice(lastFrom);
  const last = (op: string) => finalStage.filter((i) => i.op === op).at(-1)?.args;

  it('builds on node:20-slim', () => {
    expect(instructions.filter((i) => i.op === 'FROM').map((i) => i.args.split(/\s+/)[0])).toEqual(expect.arrayContaining(['node:20-slim']));
    expect(instructions[lastFrom]?.args).toMatch(/^node:20-slim\b/);
  });

  it('runs the `npm run api` command by default', () => {
    expect(last('ENTRYPOINT')).toBeUndefined();
    expect(JSON.parse(last('CMD') ?? 'null')).toEqual(npmScript('api'));
    // tsx is found without npm.
    expect(last('ENV')).toMatch(/\bPATH=\/app\/node_modules\/\.bin:\$PATH\b/);
    expect(last('WORKDIR')).toBe('/app');
  });

  it('runs as a non-root user', () => {
    const user = last('USER');
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('bakes in no secrets', () => {
    // `ENV A=1 B=2`, the legacy `ENV A 1`, and `ARG A[=default]`, in every stage.
    const keys = instructions
      .filter((i) => i.op === 'ENV' || i.op === 'ARG')
      .flatMap((i) =>
        i.args.includes('=')
          ? [...i.args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1] ?? '')
          : [i.args.split(/\s+/)[0] ?? ''],
      );
    expect(keys).toContain('NODE_ENV'); // the parser does see the ENV lines
    expect(keys.filter((k) => SECRET_LOOKING.test(k))).toEqual([]);
    // The pattern is meaningful: it flags the contract's own secrets.
    expect(['SLACK_BOT_TOKEN', 'SERVICENOW_PASSWORD', 'TEMPORAL_TLS_KEY', 'TEMPORAL_API_KEY'].every((k) => SECRET_LOOKING.test(k))).toBe(true);
    expect(instructions.filter((i) => i.op === 'COPY' || i.op === 'ADD').map((i) => i.args)).not.toContainEqual(expect.stringMatching(/\.env\b/));
    expect(read('.dockerignore').split(/\r?\n/)).toContain('.env');
  });
});

describe('.env.example', () => {
  it('leaves secrets and TEMPORAL_ADDRESS blank', () => {
    // A value here would be copied into .env and interpolated into the containers, overriding temporal:7233.
    expect(envExample.get('TEMPORAL_ADDRESS')).toBe('');
    const filled = [...envExample].filter(([name, value]) => SECRET_LOOKING.test(name) && value !== '');
    expect(filled).toEqual([]);
  });

  it('explains every variable on the line above it', () => {
    const lines = read('.env.example').split(/\r?\n/);
    const undocumented = lines.flatMap((line, i) => (/^[A-Z][A-Z0-9_]*=/.test(line) && !lines[i - 1]?.startsWith('# ') ? [line] : []));
    expect(undocumented).toEqual([]);
  });
});
