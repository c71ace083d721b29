import type { ApprovalRequest } from '../../src/contracts/decision';
import type { IncidentSnapshot, InvestigationSettings } from '../../src/contracts/investigation';
import type { ActionResult, CheckedProposal, ExecutionPlan } from '../../src/contracts/runbook';
import type { InlineActivities } from './harness';

export const APPROVER_A = 'U0APPROVERA';
export const APPROVER_B = 'U0APPROVERB';

export function incident(overrides: Partial<IncidentSnapshot> = {}): IncidentSnapshot {
  return {
    sysId: 'sys-0001',
    number: 'INC0020001',
    shortDescription: 'Checkout API 5xx above 5%',
    description: 'Error rate alarm',
    priority: '3',
    urgency: '2',
    impact: '2',
    state: '2',
    assignmentGroup: 'Platform',
    cmdbCi: 'checkout-api',
    sysUpdatedOn: '2026-12-01 10:00:00',
    sysModCount: 1,
    ...overrides,
  };
}

export function settings(overrides: Partial<InvestigationSettings> = {}): InvestigationSettings {
  return {
    slackChannel: 'C0INCIDENTS',
    serviceNowUrl: 'https://sn.example',
    webUiNamespaceUrl: 'http://localhost:8233/namespaces/default',
    findingsTimeoutMs: 60_000,
    approvers: [APPROVER_A, APPROVER_B],
    approverGroups: [],
    requiredApprovals: 1,
    requesterMayApprove: false,
    reminderIntervalMs: 60_000,
    expiryMs: 120_000,
    closeCode: 'Solution provided',
    notifiedEvents: [],
    ...overrides,
  };
}

const commandPlan = (name: string): ExecutionPlan => ({ type: 'command', executable: '/bin/true', argv: [name], envNames: [], safeToRetry: false });

/** A catalog of two actions as the worker would check them: `restart` needs one approval, `failover` two. */
export function checkedProposal(name: string, params: Record<string, string> = {}): CheckedProposal {
  const approval = name === 'failover' ? 'two' : 'one';
  return { valid: true, actionName: name, params, plan: commandPlan(name), timeoutMs: 5_000, approval, label: name, preview: `/bin/true ${name} (approval: ${approval})` };
}

/**
 * Activities for an investigation that answer like healthy systems: Slack posts get increasing ts values, work notes
 * and audit rows are accepted, actions succeed. Overrides replace single activities.
 */
export function investigationActivities(overrides: InlineActivities = {}): InlineActivities {
  let ts = 1000;
  const nextTs = () => `${++ts}.000100`;
  return {
    readIncidentSnapshot: () => Promise.resolve(incident()),
    getInvestigationSettings: () => Promise.resolve(settings()),
    recordAudit: () => Promise.resolve(),
    postIncidentRoot: (channel: string) => Promise.resolve({ channel, ts: nextTs(), permalink: 'https://slack.example/p1' }),
    updateIncidentRoot: () => Promise.resolve(),
    postThreadNote: () => Promise.resolve(nextTs()),
    postChannelMessage: (channel: string) => Promise.resolve({ channel, ts: nextTs() }),
    addWorkNoteOnce: () => Promise.resolve('written'),
    requestInvestigation: () => Promise.resolve({ investigator: 'inline-agent' }),
    checkProposal: (p: { name: string; params: Record<string, string> }) => Promise.resolve(checkedProposal(p.name, p.params)),
    postApprovalRequest: (_request: ApprovalRequest) => Promise.resolve(nextTs()),
    refreshApprovalRequest: () => Promise.resolve(),
    closeApprovalRequest: () => Promise.resolve(),
    executeAction: (): Promise<ActionResult> => Promise.resolve({ ok: true, code: 0, durationMs: 5, excerpt: 'done', summary: 'exited with code 0' }),
    slackUsersWhoOpened: () => Promise.resolve([]),
    resolveIncident: () => Promise.resolve({ changed: true, incident: { sys_id: 'sys-0001', number: 'INC0020001', state: '6' } }),
    findIncident: () => Promise.resolve({ sys_id: 'sys-0001', number: 'INC0020001', state: '2' }),
    notify: () => Promise.resolve(0),
    writeIncidentTimeline: () => Promise.resolve({ note: 'written', rows: 0 }),
    ...overrides,
  };
}
