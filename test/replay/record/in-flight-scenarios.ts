import { incidentWorkflowId, resolutionWorkflowId, slackViewWorkflowId } from '../../../src/contracts/workflow-ids';
import { findDecisionMessage } from '../../../src/sandbox/slack-messages';
import { sendSlashCommand, sendViewSubmission } from '../../../src/sandbox/slack-requests';
import { impactUrgencyFor } from '../../../src/servicenow/priority';
import { eventually } from '../../helpers/eventually';
import { click, decisionMessage, incidentResult, openIncident } from '../../helpers/incident-loop';
import { APPROVERS } from '../../helpers/test-policy';
import type { Scenario } from './scenario';

const [APPROVER, SECOND_APPROVER] = APPROVERS as [string, string];

/** The stories of test/integration/decisions-in-flight.test.ts that are recorded. */
export const IN_FLIGHT_SCENARIOS: Scenario[] = [
  {
    title: 'an incident raised to P1 while its decision is pending, approved by two',
    async drive(stack) {
      const number = openIncident(stack, { short_description: 'Search results stale', priority: '3' }, { skipUser: stack.businessRule.skipUser });
      const first = await decisionMessage(stack, number);
      stack.servicenow.updateIncident(number, impactUrgencyFor('1'));
      const second = await eventually(() => {
        const live = findDecisionMessage(stack.slack, number);
        return live && live.ts !== first.ts ? structuredClone(live) : undefined;
      });
      await click(stack, second, 'approve', APPROVER);
      await click(stack, second, 'approve', SECOND_APPROVER);
      const result = await incidentResult(stack, number);
      if (result.outcome !== 'resolved') throw new Error(`${number} ended ${result.outcome}`);
      return { 'incident-priority-raised': incidentWorkflowId(number) };
    },
  },
  {
    title: 'an incident resolved with /ops resolve while its decision is pending',
    async drive(stack) {
      const number = openIncident(stack, { short_description: 'Payments queue backlog' }, { skipUser: stack.businessRule.skipUser });
      await decisionMessage(stack, number);
      await sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text: `resolve ${number} drained the queue`, userId: 'U0ALICE', channelId: 'C0INCIDENTS', responseUrl: stack.slack.newResponseUrl() });
      const result = await incidentResult(stack, number);
      if (result.outcome !== 'finished-elsewhere') throw new Error(`${number} ended ${result.outcome}`);
      return { 'incident-resolved-by-command-while-pending': incidentWorkflowId(number), 'resolution-tells-investigation': resolutionWorkflowId(number) };
    },
  },
  {
    title: 'an incident opened with /ops incident, its requester refused, approved by another approver',
    stack: { agentDelayMs: 3000 },
    async drive(stack) {
      stack.servicenow.installBusinessRule(stack.businessRule);
      stack.servicenow.faults.add('GET incident', { delayMs: 1500 });
      const number = stack.servicenow.nextIncidentNumber();
      await sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text: 'incident', userId: APPROVER, channelId: 'C0INCIDENTS', responseUrl: stack.slack.newResponseUrl() });
      const form = await eventually(() => stack.slack.views.at(-1));
      await sendViewSubmission(stack.apiUrl, stack.signingSecret, { userId: APPROVER, view: { id: form.id, ...form.view }, values: { short_description: 'Checkout API 5xx above 5%', description: '', priority: '3', cmdb_ci: '' }, selects: ['priority'] });
      await stack.client.workflow.getHandle(slackViewWorkflowId(form.id)).result();
      const decision = await decisionMessage(stack, number);
      const refused = await click(stack, decision, 'approve', APPROVER);
      await eventually(() => stack.slack.responsesFor(refused.responseUrl)[0]);
      await click(stack, decision, 'approve', SECOND_APPROVER);
      const result = await incidentResult(stack, number);
      if (result.outcome !== 'resolved' || result.decidedBy !== SECOND_APPROVER) throw new Error(`${number} ended ${result.outcome} by ${result.decidedBy}`);
      return { 'incident-requested-in-slack': incidentWorkflowId(number) };
    },
  },
  {
    title: "an incident whose ServiceNow caller's approval is refused, approved by another approver",
    async drive(stack) {
      stack.slack.users.set({ id: APPROVER, name: 'alice', email: 'alice@example.com' });
      const alice = stack.servicenow.tables.addUser({ user_name: 'alice', email: 'alice@example.com' });
      stack.servicenow.installBusinessRule(stack.businessRule);
      const number = stack.servicenow.createIncident({ short_description: 'Payments API 5xx', state: '2', ...impactUrgencyFor('3'), caller_id: alice.sys_id }).number;
      const decision = await decisionMessage(stack, number);
      const refused = await click(stack, decision, 'approve', APPROVER);
      await eventually(() => stack.slack.responsesFor(refused.responseUrl)[0]);
      await click(stack, decision, 'approve', SECOND_APPROVER);
      const result = await incidentResult(stack, number);
      if (result.decidedBy !== SECOND_APPROVER) throw new Error(`${number} ended ${result.outcome} by ${result.decidedBy}`);
      return { 'incident-caller-refused': incidentWorkflowId(number) };
    },
  },
];
