import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '../policy/schema';
import type { Catalog } from '../runbook/catalog-schema';

/** Configuration variables for OpsLoop, by name. */
export type OpsLoopEnv = Record<string, string>;

export interface SandboxFiles {
  /** Written as OPSLOOP_POLICY_FILE. */
  policy?: Policy;
  /** Written as OPSLOOP_ACTIONS_FILE. */
  catalog?: Catalog;
}

/** Writes the policy and catalog into `dir` (also OPSLOOP_DATA_DIR, for the audit file) and names them. */
export function writeSandboxFiles(dir: string, files: SandboxFiles): OpsLoopEnv {
  mkdirSync(dir, { recursive: true });
  const env: OpsLoopEnv = { OPSLOOP_DATA_DIR: dir };
  const write = (name: string, value: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
    return file;
  };
  if (files.policy) env.OPSLOOP_POLICY_FILE = write('sandbox-policy.json', files.policy);
  if (files.catalog) env.OPSLOOP_ACTIONS_FILE = write('sandbox-actions.json', files.catalog);
  return env;
}
