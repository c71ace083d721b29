import type { WorkflowHandle } from '@temporalio/client';
import type { ApprovalRequest } from '../../src/contracts/decision';
import type { Findings } from '../../src/contracts/schemas/findings';
import type { ExecutionPlan } from '../../src/contracts/runbook';
import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { decideUpdate, findingsReceivedSignal, incidentStatusQuery } from '../../src/contracts/messages';
import { APPROVER_A, APPROVER_B, incident, investigationActivities } from './fixtures';
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
    await waitFor(() => (approvalRequests(harness).length >= count ? true : undefined), 15_000, `approval request ${count}`);
    return waitFor(async () => (await handle.query(incidentStatusQuery)).pendingApproval, 15_000, 'a pending approval');
  };
  const approve = (workflowId: string, userId: string) => harness.client.workflow.getHandle(workflowId).executeUpdate(decideUpdate, { args: [{ choice: 'approve', userId }] });
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
});
