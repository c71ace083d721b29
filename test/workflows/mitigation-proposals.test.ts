import type { WorkflowHandle } from '@temporalio/client';
import type { ApprovalRequest } from '../../src/contracts/decision';
import { decideUpdate, findingsReceivedSignal, incidentStatusQuery, incidentUpdatedSignal } from '../../src/contracts/messages';
import type { ExecutionPlan, ProposalSource } from '../../src/contracts/runbook';
import type { Findings } from '../../src/contracts/schemas/findings';
import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import type { Catalog } from '../../src/runbook/catalog-schema';
import { checkProposalAgainst } from '../../src/runbook/check-proposal';
import { APPROVER_A, APPROVER_B, incident, investigationActivities } from './fixtures';
import { startWorkflowHarness, waitFor, type WorkflowHarness } from './harness';

/** A roll-back that needs two approvers, proposed for the incident's own configuration item. */
const catalog: Catalog = {
  version: 1,
  allowedExecutables: ['/bin/echo'],
  targets: {},
  actions: [
    {
      name: 'rollback-deployment',
      description: 'Roll back the latest deployment',
      params: [{ name: 'service', type: 'enum', values: ['checkout-api', 'payments-api'] }],
      role: 'operator',
      approval: 'two',
      approvalExpiryMs: 3_600_000,
      timeoutMs: 5000,
      executor: { type: 'command', executable: '/bin/echo', args: ['rollback', '{service}'], env: [], safeToRetry: false },
    },
  ],
  proposals: [{ name: 'roll-back-ci', match: 'roll back the latest `[a-z-]+` deployment', ignoreCase: true, action: 'rollback-deployment', params: { service: '{incident.cmdbCi}' } }],
  notifications: [],
};

const findings: Findings = {
  incidentNumber: incident().number,
  status: 'completed',
  summary: 'Connection pool saturation after the 14:00 deploy.',
  mitigation: '## Mitigation\n\n1. Roll back the latest `checkout-api` deployment.\n2. Alarm on pool wait time.',
  source: 'aws-devops-agent',
};

describe('a mitigation plan mapped through the catalog proposals', () => {
  let harness: WorkflowHarness;
  afterEach(async () => harness?.close());

  const approvalRequests = () => harness.callsOf('postApprovalRequest').map(([request, workflowId]) => ({ request: request as ApprovalRequest, workflowId: workflowId as string }));
  const pending = async (handle: WorkflowHandle, count: number) => {
    const posted = await waitFor(() => approvalRequests()[count - 1], 30_000, `approval request ${count}`);
    await waitFor(async () => ((await handle.query(incidentStatusQuery)).pendingApproval?.workflowId === posted.workflowId ? true : undefined), 15_000, `request ${count} pending`);
    return posted;
  };
  const approve = (workflowId: string, userId: string) => harness.client.workflow.getHandle(workflowId).executeUpdate(decideUpdate, { args: [{ choice: 'approve', userId }] });
  const executed = () => harness.callsOf('executeAction').map(([plan]) => (plan as ExecutionPlan & { argv: string[] }).argv);

  it('is mapped by the worker, asked again when the incident field it uses changes, and runs after two approvals', async () => {
    harness = await startWorkflowHarness(investigationActivities({ checkProposal: (source: ProposalSource) => Promise.resolve(checkProposalAgainst(catalog, source)) }));
    const handle = await harness.client.workflow.start('incidentInvestigation', {
      taskQueue: harness.taskQueue,
      workflowId: `${incidentWorkflowId(incident().number)}-${harness.taskQueue}`,
      args: [{ incident: incident() }],
    });
    await handle.signal(findingsReceivedSignal, findings);
    const first = await pending(handle, 1);
    expect(first.request).toMatchObject({ requiredApprovals: 2, preview: '`/bin/echo rollback checkout-api` · timeout 5 s · approval: two approvers' });
    expect(first.request.evidence).toContain("_Mapped from the mitigation plan by the runbook's `roll-back-ci` rule, from: “1. Roll back the latest `checkout-api` deployment.”_");

    // A change the mapping does not use asks nothing again; a new configuration item maps to a new target.
    await handle.signal(incidentUpdatedSignal, { ...incident(), description: 'Still failing', sysModCount: 2 });
    await handle.signal(incidentUpdatedSignal, { ...incident(), cmdbCi: 'payments-api', sysModCount: 3 });
    const second = await pending(handle, 2);
    expect(second.request.preview).toContain('rollback payments-api');
    expect(harness.callsOf('checkProposal')).toHaveLength(2);
    expect(harness.callsOf('closeApprovalRequest').map(([, workflowId, , outcome]) => [workflowId, outcome])).toEqual([[first.workflowId, { outcome: 'superseded', reason: 'a change to the incident in ServiceNow' }]]);

    await approve(second.workflowId, APPROVER_A);
    await new Promise((r) => setTimeout(r, 1500));
    expect(executed()).toEqual([]);
    await approve(second.workflowId, APPROVER_B);
    await expect(handle.result()).resolves.toMatchObject({ outcome: 'resolved' });
    expect(executed()).toEqual([['rollback', 'payments-api']]);
  });
});
