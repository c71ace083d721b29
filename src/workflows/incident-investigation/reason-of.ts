import { ActivityFailure, ChildWorkflowFailure } from '@temporalio/workflow';

/** The message a person can act on, from whatever a failure carried. */
export const reasonOf = (err: unknown): string => {
  if ((err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) && err.cause) return reasonOf(err.cause);
  return err instanceof Error ? err.message : String(err);
};
