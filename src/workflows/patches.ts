/**
 * Every `patched()` id the workflow code uses, one entry each, with a comment naming the version that introduced it.
 * From 1.0.0 on a change to a workflow's command sequence is guarded so runs recorded before it keep replaying (README
 * "Versioning"): call `patched(PATCH.name)`, never a string literal. A patch is deprecated, then removed, once no run
 * from before it can still be open (the namespace's retention).
 */
export const PATCH = {
  /**
   * reconcileIncidents reads from the cursor the previous run returned, page by page under the Business Rule's
   * condition, with one activity per page (since 1.1.0); before, one read of the last N minutes and one delivery.
   */
  reconcileFromCursor: 'reconcile-from-cursor',
} as const satisfies Record<string, string>;
