import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** docker-compose.yml, package.json and friends, read the way the deployment tests need them. */

export const ROOT = join(__dirname, '..', '..', '..');
export const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

export interface Service {
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
export const services = (parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> }).services;

export const service = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};

export const environmentOf = (s: Service): Record<string, string> => {
  const env = s.environment ?? {};
  const entries = Array.isArray(env)
    ? env.map((line) => [line.split('=')[0] ?? '', line.slice(line.indexOf('=') + 1)] as const)
    : Object.entries(env).map(([k, v]) => [k, String(v ?? '')] as const);
  return Object.fromEntries(entries);
};

export const OPSLOOP_SERVICES = ['opsloop-api', 'opsloop-worker'] as const;

/**
 * The command of an npm script as an exec-form argv. The containers run it without `npm run` in between (see the
 * Dockerfile), so it must stay a plain command: no shell syntax, which an exec form would not interpret.
 */
export const npmScript = (name: string): string[] => {
  const command = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts[name] ?? '';
  expect(command).toMatch(/^tsx [\w./-]+\.ts$/);
  return command.split(' ');
};

export const SECRET_LOOKING = /SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE|CREDENTIAL|_KEY$|DATABASE_URL/i;
