import type { InvestigationRequest } from '../contracts/investigation';
import type { InvestigationSettings, WorkerSettings } from '../contracts/investigation';
import { approvalRuleFor } from '../policy/authorize';
import type { PolicyStore } from '../policy/policy-store';
import type { Subscription } from './runbook';

/** The part of the Investigator port activities need (see src/clients/agent/investigator.ts). */
export interface InvestigationTrigger {
  readonly name: string;
  requestInvestigation(request: InvestigationRequest): Promise<void>;
}

/** Who may approve an incident of this priority, and how many of them, under the policy in force now. */
export function approvalSettings(policyStore: PolicyStore, priority: string | undefined) {
  const policy = policyStore.current();
  const rule = approvalRuleFor(policy, priority);
  return {
    approvers: [...new Set([...policy.roles.approver.users, ...policy.roles.admin.users])],
    approverGroups: [...new Set([...policy.roles.approver.groups, ...policy.roles.admin.groups])],
    requiredApprovals: rule.approvals,
    requesterMayApprove: rule.requesterMayApprove,
  };
}

export function createInvestigationActivities(deps: {
  investigator: InvestigationTrigger;
  settings: WorkerSettings;
  policy: PolicyStore;
  subscriptions?: () => Subscription[];
}) {
  return {
    /**
     * Read through an activity so the values (including the approval rule from the policy at this moment) are
     * recorded in history: replays, and decisions already pending, never see a later policy.
     */
    getInvestigationSettings(priority?: string): Promise<InvestigationSettings> {
      const notifiedEvents = [...new Set((deps.subscriptions?.() ?? []).flatMap((s) => s.events))];
      return Promise.resolve({ ...deps.settings, ...approvalSettings(deps.policy, priority), notifiedEvents });
    },

    async requestInvestigation(request: InvestigationRequest): Promise<{ investigator: string }> {
      await deps.investigator.requestInvestigation(request);
      return { investigator: deps.investigator.name };
    },
  };
}
