import { incidentWorkflowId, resolutionWorkflowId } from '../../../src/contracts/workflow-ids';
import { findDecisionMessage } from '../../../src/sandbox/slack-messages';
import { sendSlashCommand } from '../../../src/sandbox/slack-requests';
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
];
