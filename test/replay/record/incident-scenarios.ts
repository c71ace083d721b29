import { approvalWorkflowId, incidentWorkflowId, resolutionWorkflowId } from '../../../src/contracts/workflow-ids';
import { sendAgentFindings } from '../../helpers/agent-callback';
import { eventually } from '../../helpers/eventually';
import { buttonsOf, click, decisionMessage, incidentResult, openIncident, rootMessages, threadReplies } from '../../helpers/incident-loop';
import { sendButtonClick } from '../../../src/sandbox/slack-requests';
import { APPROVERS } from '../../helpers/test-policy';
import { restartCatalog } from '../../helpers/restart-catalog';
import { sandboxCatalog } from '../../../src/runbook/sandbox-catalog';
import type { Scenario } from './scenario';

const [APPROVER, SECOND_APPROVER] = APPROVERS as [string, string];

const expectOutcome = async (stack: Parameters<Scenario['drive']>[0], number: string, outcome: string) => {
  const result = await incidentResult(stack, number);
  if (result.outcome !== outcome) throw new Error(`${number} ended ${result.outcome}, not ${outcome}`);
};

/** The incident loop's stories, as test/integration/incident-loop.test.ts and evidence-and-proposals.test.ts tell them. */
export const INCIDENT_SCENARIOS: Scenario[] = [
  {
    title: 'an incident approved and resolved, its findings audited and its timeline written (PATCH.timelineOnFinish)',
    async drive(stack) {
      const number = openIncident(stack, { short_description: 'Checkout API latency above 2 s', cmdb_ci: 'checkout-api' }, { skipUser: stack.businessRule.skipUser });
      await click(stack, await decisionMessage(stack, number), 'approve', APPROVER);
      await expectOutcome(stack, number, 'resolved');
      return { 'incident-timeline-approved': incidentWorkflowId(number) };
    },
  },
  {
    title: 'an incident rejected, its timeline written (PATCH.timelineOnFinish)',
    async drive(stack) {
      const number = openIncident(stack, { short_description: 'Payments API errors' });
      await click(stack, await decisionMessage(stack, number), 'reject', APPROVER);
      await expectOutcome(stack, number, 'rejected');
      return { 'incident-timeline-rejected': incidentWorkflowId(number) };
    },
  },
  {
    title: 'an incident investigated through an agent task (queued for a slot, woken by an event), approved',
    async drive(stack) {
      const number = openIncident(stack, { short_description: 'Checkout API latency above 2 s', cmdb_ci: 'checkout-api' }, { skipUser: stack.businessRule.skipUser });
      await click(stack, await decisionMessage(stack, number), 'approve', APPROVER);
      await expectOutcome(stack, number, 'resolved');
      return { 'incident-agent-task-approved': incidentWorkflowId(number) };
    },
  },
  {
    title: 'an incident whose agent task fails, rejected',
    async drive(stack) {
      stack.agent.outcomes.set(stack.servicenow.nextIncidentNumber(), 'FAILED');
      const number = openIncident(stack, { short_description: 'Payments API errors' });
      await click(stack, await decisionMessage(stack, number), 'reject', APPROVER);
      await expectOutcome(stack, number, 'rejected');
      return { 'incident-agent-task-failed-rejected': incidentWorkflowId(number) };
    },
  },
  {
    title: 'an incident approved and resolved',
    async drive(stack) {
      const number = openIncident(stack, { short_description: 'Checkout API latency above 2 s', cmdb_ci: 'checkout-api' }, { skipUser: stack.businessRule.skipUser });
      await click(stack, await decisionMessage(stack, number), 'approve', APPROVER);
      await expectOutcome(stack, number, 'resolved');
      return {
        'incident-approved': incidentWorkflowId(number),
        'approval-approved': approvalWorkflowId(number, 1),
        'resolution-after-approval': resolutionWorkflowId(number),
      };
    },
  },
  {
    title: 'an incident resolved in ServiceNow while its decision is pending',
    async drive(stack) {
      const number = openIncident(stack, { short_description: 'VPN flapping' });
      await decisionMessage(stack, number);
      stack.servicenow.updateIncident(number, { state: '6', close_code: 'Solution provided', close_notes: 'Fixed by the network team' });
      await expectOutcome(stack, number, 'finished-elsewhere');
      return { 'incident-finished-elsewhere': incidentWorkflowId(number), 'approval-withdrawn': approvalWorkflowId(number, 1) };
    },
  },
  {
    title: 'an incident whose decision expires after reminders',
    stack: { env: { OPSLOOP_APPROVAL_EXPIRY_MS: '2500', OPSLOOP_APPROVAL_REMINDER_MS: '1000', OPSLOOP_ESCALATION_TARGET: '<!subteam^S0ONCALL>' } },
    async drive(stack) {
      const number = openIncident(stack, { short_description: 'Disk filling on fileserver-02' });
      await decisionMessage(stack, number);
      await expectOutcome(stack, number, 'expired');
      return { 'incident-expired': incidentWorkflowId(number) };
    },
  },
  {
    title: 'an incident the agent never answers, rejected',
    stack: { env: { OPSLOOP_FINDINGS_TIMEOUT_MS: '1500' } },
    async drive(stack) {
      stack.agent.outcomes.set(stack.servicenow.nextIncidentNumber(), 'SILENT');
      const number = openIncident(stack, { short_description: 'Mystery errors' });
      await click(stack, await decisionMessage(stack, number), 'reject', APPROVER);
      await expectOutcome(stack, number, 'rejected');
      return { 'incident-no-findings-rejected': incidentWorkflowId(number) };
    },
  },
  {
    title: 'an incident whose evidence changes mid-decision, approved on the new evidence',
    async drive(stack) {
      const number = openIncident(stack, { short_description: 'Checkout latency above 2 s', cmdb_ci: 'checkout-api' });
      const first = await decisionMessage(stack, number);
      await sendAgentFindings(stack, { incidentNumber: number, status: 'completed', source: 'sandbox-agent', summary: 'Updated: the cache cluster lost a node.', rootCause: 'Cache node loss' });
      const second = await eventually(() => {
        const fresh = threadReplies(stack, rootMessages(stack, number)[0]!).find((m) => buttonsOf(m).length > 0 && m.ts !== first.ts);
        return fresh && structuredClone(fresh);
      });
      await click(stack, first, 'approve', APPROVER);
      // The decision's work note is written once even though the first write's answer is lost and the activity retries.
      stack.servicenow.faults.add('PATCH incident answer', { dropResponse: true });
      await click(stack, second, 'approve', APPROVER);
      await expectOutcome(stack, number, 'resolved');
      return {
        'incident-evidence-superseded': incidentWorkflowId(number),
        'approval-superseded': approvalWorkflowId(number, 1),
        'approval-approved-after-supersede': approvalWorkflowId(number, 2),
      };
    },
  },
  {
    title: 'an agent-proposed action previewed, approved and run',
    stack: { catalog: restartCatalog() },
    async drive(stack) {
      const number = openIncident(stack, { short_description: 'Payments API 5xx error rate above 5%', cmdb_ci: 'payments-api' });
      const decision = await decisionMessage(stack, number);
      const preview = buttonsOf(decision).find((b) => b.action_id === 'opsloop.preview');
      if (!preview) throw new Error('the decision offers no preview of the proposed action');
      const responseUrl = stack.slack.newResponseUrl();
      await sendButtonClick(stack.apiUrl, stack.signingSecret, { userId: APPROVER, actionId: preview.action_id, value: preview.value, channelId: decision.channel, messageTs: decision.ts, responseUrl });
      await eventually(() => stack.slack.responsesFor(responseUrl)[0], 30_000, 'the preview');
      await click(stack, decision, 'approve', APPROVER);
      await expectOutcome(stack, number, 'resolved');
      return { 'incident-proposed-action-approved': incidentWorkflowId(number) };
    },
  },
  {
    title: "an agent's mitigation plan mapped by the catalog's proposals to a two-approver action, approved twice and run",
    stack: { catalog: sandboxCatalog('http://127.0.0.1:9/healthz') },
    async drive(stack) {
      const number = openIncident(stack, { short_description: 'Checkout API p99 latency above 2 s', cmdb_ci: 'checkout-api' }, { skipUser: stack.businessRule.skipUser });
      const decision = await decisionMessage(stack, number);
      if (!JSON.stringify(decision.blocks).replace(/\u200b/g, '').includes('*Proposed:* `rollback-deployment checkout-api`')) throw new Error('the mitigation plan was not mapped to rollback-deployment');
      await click(stack, decision, 'approve', APPROVER);
      await eventually(() => JSON.stringify(stack.slack.messages.find((m) => m.ts === decision.ts)?.blocks).includes('1 of 2 approvals'), 30_000, 'the first approval');
      await click(stack, decision, 'approve', SECOND_APPROVER);
      await expectOutcome(stack, number, 'resolved');
      return { 'incident-mitigation-mapped-approved': incidentWorkflowId(number) };
    },
  },
];
