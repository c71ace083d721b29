import { incidentWorkflowId } from '../../../src/contracts/workflow-ids';
import type { Route } from '../../../src/policy/route-schema';
import { sandboxRoutingKey } from '../../../src/sandbox/world';
import { impactUrgencyFor } from '../../../src/servicenow/priority';
import { eventually } from '../../helpers/eventually';
import { buttonsOf, click, decisionMessage, incidentResult, rootMessages, threadReplies } from '../../helpers/incident-loop';
import { testPolicy } from '../../helpers/test-policy';
import type { Scenario } from './scenario';

const [PAYMENTS, DATABASE] = ['C0PAYMENTS', 'C0DATABASE'];
const [PAY_LEAD, DB_LEAD] = ['U0PAYLEAD', 'U0DBLEAD'];
const KEY = sandboxRoutingKey();
const SECOND_KEY = sandboxRoutingKey();
const single = { default: { approvals: 1, requesterMayApprove: false }, byPriority: {} };
const routes: Route[] = [
  {
    name: 'payments',
    match: { assignmentGroups: ['Payments SRE'] },
    channel: PAYMENTS,
    approvers: { users: [PAY_LEAD], groups: [] },
    approvals: single,
    investigateUpTo: '5',
    oncall: { routingKey: KEY, escalationRoutingKeys: [SECOND_KEY], escalationPolicyId: 'PPAYMTS', pageAtOnceUpTo: '1' },
  },
  { name: 'database', match: { assignmentGroups: ['Database'] }, channel: DATABASE, approvers: { users: [DB_LEAD], groups: [] }, approvals: single, investigateUpTo: '5' },
];
const stack = {
  policy: testPolicy({ routes }),
  channels: [
    { id: PAYMENTS, name: 'payments', botIsMember: true },
    { id: DATABASE, name: 'database', botIsMember: true },
  ],
};

/** The policy's routes and on-call paging, as test/integration/routes.test.ts and paging.test.ts tell them. */
export const ROUTING_SCENARIOS: Scenario[] = [
  {
    title: 'an incident reassigned to another route while its decision waits, approved there (PATCH.incidentRoutes)',
    stack,
    async drive(s) {
      s.servicenow.installBusinessRule(s.businessRule);
      const number = s.servicenow.createIncident({ short_description: 'Payments SRE: card authorisations slow', state: '2', assignment_group: 'Payments SRE', ...impactUrgencyFor('3') }).number;
      await decisionMessage(s, number);
      s.servicenow.updateIncident(number, { assignment_group: 'Database' });
      const moved = await eventually(() => rootMessages(s, number).find((m) => m.channel === DATABASE), 30_000, 'the new thread');
      const decision = await eventually(() => threadReplies(s, moved).find((m) => buttonsOf(m).length > 0), 30_000, 'the decision in the new thread');
      await click(s, structuredClone(decision), 'approve', DB_LEAD);
      const result = await incidentResult(s, number);
      if (result.outcome !== 'resolved') throw new Error(`${number} ended ${result.outcome}`);
      return { 'incident-rerouted-approved': incidentWorkflowId(number) };
    },
  },
  {
    title: 'a P1 paged at once, escalated to the next level, approved, both pages resolved (PATCH.pageOnCall)',
    stack,
    async drive(s) {
      s.pagerduty.routingKeys.add(KEY);
      s.pagerduty.routingKeys.add(SECOND_KEY);
      s.pagerduty.onCalls.set('PPAYMTS', [{ level: 1, user: { id: 'PUPRIMARY', name: 'Pat Primary' } }]);
      s.servicenow.installBusinessRule(s.businessRule);
      const number = s.servicenow.createIncident({ short_description: 'Payments SRE: card authorisations failing', state: '2', assignment_group: 'Payments SRE', ...impactUrgencyFor('1') }).number;
      const first = await decisionMessage(s, number);
      await click(s, first, 'escalate', PAY_LEAD);
      const second = await eventually(() => threadReplies(s, rootMessages(s, number)[0]!).find((m) => m.ts !== first.ts && buttonsOf(m).length > 0), 30_000, 'the decision asked again');
      await click(s, structuredClone(second), 'approve', PAY_LEAD);
      const result = await incidentResult(s, number);
      if (result.outcome !== 'resolved') throw new Error(`${number} ended ${result.outcome}`);
      await eventually(() => s.pagerduty.alerts.length === 2 && s.pagerduty.alerts.every((a) => a.status === 'resolved'), 10_000, 'both pages resolved');
      return { 'incident-paged-escalated-approved': incidentWorkflowId(number) };
    },
  },
];
