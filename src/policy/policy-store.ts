import { loadPolicyFile, PolicyError } from './load-policy';
import type { Policy } from './schema';

export interface PolicyStore {
  current(): Policy;
  /** Re-reads the file; a broken file keeps the last good policy. Returns what happened, for the log. */
  reload(): { ok: true } | { ok: false; error: string };
}

/** Holds the policy a process enforces: loaded from a file (reloadable) or given in code (sandbox, tests). */
export function createPolicyStore(source: { file: string } | { policy: Policy }): PolicyStore {
  if ('policy' in source) {
    const fixed = source.policy;
    return { current: () => fixed, reload: () => ({ ok: true }) };
  }
  let policy = loadPolicyFile(source.file);
  return {
    current: () => policy,
    reload() {
      try {
        policy = loadPolicyFile(source.file);
        return { ok: true };
      } catch (err) {
        return { ok: false, error: err instanceof PolicyError ? err.message : String(err) };
      }
    },
  };
}
