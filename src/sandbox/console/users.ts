import type { SandboxUser } from './snapshot';

/** Someone the sandbox policy does not let approve, to show how OpsLoop refuses a click. */
export const SANDBOX_BYSTANDER: SandboxUser = { id: 'U0NEWCOMER', name: 'newcomer', role: 'not an approver' };

/** The people `npm start`'s console lets you act as: the configured approvers, then one who may not approve. */
export function sandboxUsers(approvers: readonly string[], names: Record<string, string> = {}): SandboxUser[] {
  return [...approvers.map((id) => ({ id, name: names[id] ?? id.toLowerCase(), role: 'approver' })), SANDBOX_BYSTANDER];
}
