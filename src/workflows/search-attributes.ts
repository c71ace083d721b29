import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';

/**
 * Upserts only the attributes whose value differs from what the run already has (set at start or by an earlier
 * upsert): every upsert is a command, a history event and a visibility write, so unchanged values cost for nothing.
 */
export function upsertChanged(pairs: SearchAttributeUpdatePair[]): void {
  const current = workflowInfo().typedSearchAttributes;
  const changed = pairs.filter((p) => current.get(p.key) !== p.value);
  if (changed.length > 0) upsertSearchAttributes(changed);
}
