import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { PROJECT_ROOT } from '../../src/local/paths';
import { WORKFLOWS_PATH } from '../../src/worker/create-worker';

/** Workflow bundles the benchmarks run: OpsLoop's own, OpsLoop's plus its zod contracts, and the skeleton. */
export const BUNDLE_SOURCES = {
  opsloop: WORKFLOWS_PATH,
  'opsloop+zod': resolve(PROJECT_ROOT, 'bench/worker/with-zod-workflows.ts'),
  skeleton: resolve(PROJECT_ROOT, 'bench/skeleton/workflows.ts'),
} as const;
export type BundleName = keyof typeof BUNDLE_SOURCES;

export interface BuiltBundle {
  path: string;
  sizeKb: number;
  /** Whether zod's code is in the bundle. */
  hasZod: boolean;
}

/** Bundles once per run (as the SDK would at every worker start) and writes the code under `dir`. */
export async function buildBundle(name: BundleName, dir: string): Promise<BuiltBundle> {
  const { code } = await bundleWorkflowCode({ workflowsPath: BUNDLE_SOURCES[name], logger: new DefaultLogger('WARN') });
  const path = join(dir, `${name.replace(/\W/g, '-')}.bundle.js`);
  writeFileSync(path, code);
  return { path, sizeKb: Math.round(Buffer.byteLength(code) / 1024), hasZod: /node_modules\/zod\//.test(code) };
}
