// Preloaded (--import) into the unmodified src/worker/main.ts for F5/F6: swaps in a pre-built workflow bundle
// (BENCH_WORKFLOW_BUNDLE, e.g. a variant with zod) and sets maxCachedWorkflows explicitly
// (BENCH_MAX_CACHED_WORKFLOWS). Everything else (config, clients, activities, other worker options) stays OpsLoop's.
// Plain JavaScript because Node also runs preloads in the SDK's workflow thread, where tsx cannot load TypeScript;
// there it does nothing.
import process from 'node:process';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const { Worker } = await import('@temporalio/worker');
  const bundlePath = process.env.BENCH_WORKFLOW_BUNDLE;
  const maxCached = process.env.BENCH_MAX_CACHED_WORKFLOWS;
  const create = Worker.create.bind(Worker);
  Worker.create = (options) => {
    const next = { ...options };
    if (bundlePath) {
      delete next.workflowsPath;
      next.workflowBundle = { codePath: bundlePath };
    }
    if (maxCached) next.maxCachedWorkflows = Number(maxCached);
    return create(next);
  };
}
