import type { WorkflowHandle } from '@temporalio/client';
import type { ApprovalRequest } from '../../src/contracts/decision';
import type { Findings } from '../../src/contracts/schemas/findings';
import type { ExecutionPlan } from '../../src/contracts/runbook';
import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { decideUpdate, findingsReceivedSignal, incidentStatusQuery, incidentUpdatedSignal } from '../../src/contracts/messages';
import { APPROVER_A, APPROVER_B, incident, investigationActivities, settings } from './fixtures';
import { startWorkflowHarness, waitFor, type WorkflowHarness } from './harness';

const findings = (summary: string, proposedAction?: Findings['proposedAction']): Findings => ({
  incidentNumber: incident().number,
  status: 'completed',
  summary,
  source: 'inline-agent',
  ...(proposedAction ? { proposedAction } : {}),
});

describe('decision rules of an investigation', () => {
  let harness: WorkflowHarness;
  afterEach(async () => harness?.close());

  const start = async (h: WorkflowHarness): Promise<WorkflowHandle> =>
    h.client.workflow.start('incidentInvestigation', {
      taskQueue: h.taskQueue,
      workflowId: `${incidentWorkflowId(incident().number)}-${h.taskQueue}`,
      args: [{ incident: incident() }],
    });
  const approvalRequests = (h: WorkflowHarness) => h.callsOf('postApprovalRequest').map(([request, workflowId]) => ({ request: request as ApprovalRequest, workflowId: workflowId as string }));
  const pending = async (handle: WorkflowHandle, count: number) => {
    const posted = await waitFor(() => approvalRequests(harness)[count - 1], 30_000, `approval request ${count}`);
    return waitFor(async () => {
      const now = (await handle.query(incidentStatusQuery)).pendingApproval;
      return now?.workflowId === posted.workflowId ? now : undefined;
    }, 15_000, `request ${count} pending`);
  };
  const decide = (workflowId: string, userId: string, choice: 'approve' | 'reject' | 'escalate') =>
    harness.client.workflow.getHandle(workflowId).executeUpdate(decideUpdate, { args: [{ choice, userId }] });
  const approve = (workflowId: string, userId: string) => decide(workflowId, userId, 'approve');
  const closedAs = () => harness.callsOf('closeApprovalRequest').map(([, workflowId, , outcome]) => ({ workflowId, outcome: (outcome as { outcome: string }).outcome }));
  const executed = () => harness.callsOf('executeAction').map(([plan]) => (plan as ExecutionPlan & { argv: string[] }).argv[0]);

  it('a proposal replaced mid-round by one that needs two approvers is asked again under the two-approver rule', async () => {
    harness = await startWorkflowHarness(investigationActivities());
    const handle = await start(harness);
    await handle.signal(findingsReceivedSignal, findings('A bad deploy of checkout-api.', { name: 'restart', params: {} }));
    const first = await pending(handle, 1);
    expect(approvalRequests(harness).at(-1)!.request.requiredApprovals).toBe(1);

    await handle.signal(findingsReceivedSignal, findings('The primary database is failing over.', { name: 'failover', params: {} }));
    await waitFor(() => (approvalRequests(harness).length >= 2 ? true : undefined), 15_000, 'the request asked again');
    const latest = approvalRequests(harness).at(-1)!;

    // One approval of the new request is not enough for an action that needs two.
    await approve(latest.workflowId, APPROVER_A);
    await new Promise((r) => setTimeout(r, 1500));
    expect(executed()).toEqual([]);
    expect((await handle.query(incidentStatusQuery)).stage).toBe('awaiting-decision');
    expect(latest.request.requiredApprovals).toBe(2);
    expect(latest.request.preview).toContain('failover');
    expect(latest.request.question).toContain('proposed action');
    expect((await handle.query(incidentStatusQuery)).pendingApproval).toMatchObject({ workflowId: latest.workflowId, requiredApprovals: 2 });

    await approve(latest.workflowId, APPROVER_B);
    await expect(handle.result()).resolves.toMatchObject({ outcome: 'resolved' });
    expect(executed()).toEqual(['failover']);
    expect(first.workflowId).not.toBe(latest.workflowId);
  });

  it('new findings supersede a pending request: approvals given to the old evidence do not count for the new one', async () => {
    harness = await startWorkflowHarness(investigationActivities({ getInvestigationSettings: () => Promise.resolve(settings({ requiredApprovals: 2 })) }));
    const handle = await start(harness);
    await handle.signal(findingsReceivedSignal, findings('Disk full on checkout-api-3.'));
    const first = await pending(handle, 1);
    await approve(first.workflowId, APPROVER_A);

    await handle.signal(findingsReceivedSignal, findings('Disk full on checkout-api-3; logs rotated badly.'));
    const second = await pending(handle, 2);
    expect(second.workflowId).not.toBe(first.workflowId);
    expect(closedAs()).toEqual([{ workflowId: first.workflowId, outcome: 'superseded' }]);
    expect(approvalRequests(harness).at(-1)!.request.evidence).toContain('logs rotated badly');
    await expect(approve(first.workflowId, APPROVER_B)).rejects.toThrow();

    await approve(second.workflowId, APPROVER_A);
    await new Promise((r) => setTimeout(r, 1000));
    expect(harness.callsOf('resolveIncident')).toHaveLength(0);
    await approve(second.workflowId, APPROVER_B);
    await expect(handle.result()).resolves.toMatchObject({ outcome: 'resolved', decidedBy: APPROVER_B });
    expect(harness.callsOf('resolveIncident')).toHaveLength(1);
  });

  it('a raised priority is asked again on the new evidence; unchanged deliveries ask nothing new', async () => {
    harness = await startWorkflowHarness(investigationActivities());
    const handle = await start(harness);
    await handle.signal(findingsReceivedSignal, findings('Latency from a noisy neighbour.'));
    const first = await pending(handle, 1);
    await handle.signal(incidentUpdatedSignal, { ...incident(), sysModCount: 1 });
    await handle.signal(incidentUpdatedSignal, { ...incident(), priority: '1', sysModCount: 2 });
    const second = await pending(handle, 2);
    expect(second.workflowId).not.toBe(first.workflowId);
    expect(approvalRequests(harness)).toHaveLength(2);
    expect(approvalRequests(harness)[1]!.request.evidence).toContain('**Incident:** P1');
    await decide(second.workflowId, APPROVER_A, 'reject');
    await expect(handle.result()).resolves.toMatchObject({ outcome: 'rejected', decidedBy: APPROVER_A });
  });

  it('a P3 raised to P1 while its decision is pending is asked again under the P1 rule, and lowering it back relaxes nothing', async () => {
    // The policy as the worker reads it: P1 needs two approvers, every other priority one.
    const ruleFor = (priority?: string) => Promise.resolve(settings({ requiredApprovals: priority === '1' ? 2 : 1 }));
    harness = await startWorkflowHarness(investigationActivities({ getInvestigationSettings: ruleFor }));
    const handle = await start(harness);
    await handle.signal(findingsReceivedSignal, findings('Latency from a noisy neighbour.'));
    const first = await pending(handle, 1);
    expect(first.requiredApprovals).toBe(1);

    await handle.signal(incidentUpdatedSignal, { ...incident(), priority: '1', impact: '1', urgency: '1', sysModCount: 2 });
    const second = await pending(handle, 2);
    expect(closedAs()).toEqual([{ workflowId: first.workflowId, outcome: 'superseded' }]);
    expect(second.requiredApprovals).toBe(2);
    expect(approvalRequests(harness)[1]!.request.requiredApprovals).toBe(2);
    await expect(approve(first.workflowId, APPROVER_A)).rejects.toThrow();

    // Lowered again while pending: asked again on the new evidence, but the stricter rule stays.
    await handle.signal(incidentUpdatedSignal, { ...incident(), priority: '3', sysModCount: 3 });
    const third = await pending(handle, 3);
    expect(third.requiredApprovals).toBe(2);
    await approve(third.workflowId, APPROVER_A);
    await new Promise((r) => setTimeout(r, 1000));
    expect(harness.callsOf('resolveIncident')).toHaveLength(0);
    await approve(third.workflowId, APPROVER_B);
    await expect(handle.result()).resolves.toMatchObject({ outcome: 'resolved', decidedBy: APPROVER_B });
  });

  it('expiry ends the decision as expired: nothing runs and nothing is resolved', async () => {
    harness = await startWorkflowHarness(investigationActivities({ getInvestigationSettings: () => Promise.resolve(settings({ expiryMs: 1500, reminderIntervalMs: 1000 })) }));
    const handle = await start(harness);
    await handle.signal(findingsReceivedSignal, findings('A bad deploy.', { name: 'restart', params: {} }));
    await expect(handle.result()).resolves.toMatchObject({ outcome: 'expired' });
    expect(executed()).toEqual([]);
    expect(harness.callsOf('resolveIncident')).toHaveLength(0);
    expect(closedAs().map((c) => c.outcome)).toEqual(['expired']);
    expect(harness.callsOf('postThreadNote').map(([, text]) => text).join('\n')).toContain('Reminder');
  });

  it('escalation asks again, at most three requests, and the last one cannot be escalated', async () => {
    harness = await startWorkflowHarness(investigationActivities());
    const handle = await start(harness);
    await handle.signal(findingsReceivedSignal, findings('Unclear.'));
    for (let n = 1; n <= 2; n++) {
      const request = await pending(handle, n);
      expect(approvalRequests(harness).at(-1)!.request.choices).toContain('escalate');
      await decide(request.workflowId, APPROVER_A, 'escalate');
    }
    const third = await pending(handle, 3);
    expect(approvalRequests(harness).at(-1)!.request.choices).toEqual(['approve', 'reject']);
    await expect(decide(third.workflowId, APPROVER_A, 'escalate')).rejects.toThrow();
    expect(harness.callsOf('postThreadNote').filter(([, text]) => String(text).includes('escalated'))).toHaveLength(2);
    await approve(third.workflowId, APPROVER_B);
    await expect(handle.result()).resolves.toMatchObject({ outcome: 'resolved' });
  });

  it('an incident resolved in ServiceNow while a decision waits withdraws it and ends the run', async () => {
    harness = await startWorkflowHarness(investigationActivities());
    const handle = await start(harness);
    await handle.signal(findingsReceivedSignal, findings('Flapping health check.'));
    await pending(handle, 1);
    await handle.signal(incidentUpdatedSignal, { ...incident(), state: '6', sysModCount: 5 });
    await expect(handle.result()).resolves.toMatchObject({ outcome: 'finished-elsewhere' });
    expect(closedAs().map((c) => c.outcome)).toEqual(['withdrawn']);
    expect(harness.callsOf('resolveIncident')).toHaveLength(0);
  });
});
