import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/worker/create-worker';

/**
 * Bundles OpsLoop's workflow code once and writes it to `dir`: workers given its path (OPSLOOP_WORKFLOW_BUNDLE) start in
 * a second instead of bundling on their own. Resolves with the file's path.
 */
export async function writeWorkflowBundle(dir: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  const path = join(dir, 'workflow-bundle.js');
  writeFileSync(path, code);
  return path;
}
