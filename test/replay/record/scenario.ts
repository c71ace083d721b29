import type { Stack, StackOptions } from '../../helpers/stack';

/** One story through the real stack whose workflow runs become replay histories. */
export interface Scenario {
  title: string;
  stack?: StackOptions;
  /** Drives the story to its end; resolves with the runs to record, by history file name (without .json). */
  drive(stack: Stack): Promise<Record<string, string>>;
}
