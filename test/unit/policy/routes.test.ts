import { resolve } from 'node:path';
import { loadPolicyFile, parsePolicy, PolicyError } from '../../../src/policy/load-policy';
import { approversFor, investigates, onCallTargetOf, routeFor, routeNameOf } from '../../../src/policy/route-for';

const example = loadPolicyFile(resolve(__dirname, '../../../policy.example.yaml'));
const incident = (assignmentGroup: string, priority = '3', cmdbCi = '') => ({ assignmentGroup, priority, cmdbCi });

describe('routes in the policy', () => {
  it('takes the first route whose criteria all match, comparing names ignoring case; no route gives the default settings', () => {
    expect(routeNameOf(routeFor(example, incident('payments sre')))).toBe('payments');
    expect(routeNameOf(routeFor(example, incident('Database')))).toBe('database');
    expect(routeNameOf(routeFor(example, incident('Network')))).toBe('default');
    const byCi = { ...example, routes: [{ ...example.routes[1]!, name: 'orders-db', match: { cis: ['orders-db'], priorities: ['1', '2'] } }, ...example.routes] };
    expect(routeNameOf(routeFor(byCi, incident('Database', '1', 'ORDERS-DB')))).toBe('orders-db');
    expect(routeNameOf(routeFor(byCi, incident('Database', '3', 'orders-db')))).toBe('database');
  });

  it('investigates up to the route\'s threshold, and anything no route takes or whose priority it cannot read', () => {
    expect(['1', '2', '3', '4', '5'].map((p) => investigates(example, incident('Database', p)))).toEqual([true, true, true, false, false]);
    expect(investigates(example, incident('Network', '5'))).toBe(true);
    expect(investigates(example, incident('Database', ''))).toBe(true);
  });

  it("gives a route's incidents its own approvers and rules, and the policy's to the others", () => {
    const payments = routeFor(example, incident('Payments SRE'));
    expect(approversFor(example, payments, '1')).toEqual({ approvers: [], approverGroups: ['S0PAYMENTSLEADS'], requiredApprovals: 2, requesterMayApprove: false });
    expect(approversFor(example, undefined, '3')).toEqual({ approvers: ['U0INCIDENTLEAD', 'U0PLATFORMADMIN'], approverGroups: ['S0SRELEADS'], requiredApprovals: 1, requesterMayApprove: false });
  });

  it('names the routing key of each level as configured, the last one past the end, and nothing for a route without on-call', () => {
    expect(onCallTargetOf(example, 'payments', 1)).toEqual({ routingKey: '${PAGERDUTY_ROUTING_KEY_PAYMENTS}', escalationPolicyId: 'PPAYMNT' });
    expect(onCallTargetOf(example, 'payments', 2)?.routingKey).toBe('${PAGERDUTY_ROUTING_KEY_PAYMENTS_L2}');
    expect(onCallTargetOf(example, 'payments', 5)?.routingKey).toBe('${PAGERDUTY_ROUTING_KEY_PAYMENTS_L2}');
    expect(onCallTargetOf(example, 'database', 1)).toBeUndefined();
    expect(onCallTargetOf(example, 'nope', 1)).toBeUndefined();
  });

  it('refuses a policy with a route named twice, a bad routing key or channel, naming the field', () => {
    const base = `version: 1
roles: {}
channels: [{ id: "*" }]
commands: { help: viewer, status: viewer, jobs: viewer, investigate: operator, resolve: operator, incident: operator, approve: approver, reject: approver, audit: admin }
approvals: { default: { approvals: 1 } }
`;
    const refusal = (routes: string) => {
      try {
        parsePolicy(`${base}routes:\n${routes}`);
        return 'accepted';
      } catch (err) {
        if (!(err instanceof PolicyError)) throw err;
        return err.message;
      }
    };
    expect(refusal('  - { name: a, channel: C0A }\n  - { name: a, channel: C0B }')).toMatch(/routes\.1\.name.*"a" is named twice/s);
    expect(refusal('  - { name: a, channel: C0A, oncall: { routingKey: "abc" } }')).toMatch(/routes\.0\.oncall\.routingKey.*32-character PagerDuty routing key/s);
    expect(refusal('  - { name: a, channel: incidents }')).toMatch(/routes\.0\.channel.*Slack channel id/s);
    expect(refusal('  - { name: a, channel: C0A }')).toBe('accepted');
  });
});

describe("a route's approvers and the commands", () => {
  it('holds the approver role for /ops approve and /ops reject, and nothing more', async () => {
    const { authorize, rolesOf } = await import('../../../src/policy/authorize');
    const lead = { userId: 'U0PAYONLY', groups: ['S0PAYMENTSLEADS'], channelId: 'C0INCIDENTS' };
    expect(rolesOf(example, lead)).toEqual(['viewer', 'approver']);
    expect(authorize(example, lead, { kind: 'command', command: 'approve' })).toMatchObject({ allowed: true });
    expect(authorize(example, lead, { kind: 'command', command: 'resolve' })).toMatchObject({ allowed: false });
    expect(rolesOf(example, { userId: 'U0NOBODY', groups: [] })).toEqual(['viewer']);
  });
});
