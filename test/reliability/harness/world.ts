import type { Stack } from '../../helpers/stack';
import type { World } from '../checker';
import type { ProcessStack } from './process-stack';

/** What the checker may look at, for the in-process stack (test/helpers/stack.ts) or the child-process one. */
export function worldOf(stack: Stack | ProcessStack): World {
  const base = { client: stack.client, taskQueue: stack.taskQueue, slack: stack.slack, servicenow: stack.servicenow, agent: stack.agent };
  if ('output' in stack) return { ...base, audit: () => stack.audit(), output: stack.output, secrets: stack.secrets };
  return { ...base, audit: () => stack.audit.list({}) };
}
