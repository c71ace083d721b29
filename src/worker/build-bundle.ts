import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from './create-worker';

/**
 * `npm run build:workflows [out]`: bundles the workflow code once, for OPSLOOP_WORKFLOW_BUNDLE, so a worker starts
 * without webpack. Bundling also catches a Node built-in reached from workflow code before any worker runs it.
 */
async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'dist/workflows.bundle.js');
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  process.stdout.write(`workflow bundle written to ${out} (${(code.length / 1024).toFixed(0)} KiB)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`could not bundle the workflows: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
