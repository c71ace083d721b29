import type { Route } from '../policy/route-schema';
import type { FakeOnCall } from './fake-pagerduty';
import type { FakeChannelSpec } from './slack-channels';
import { sandboxRoutingKey, startSandboxPagerDuty, type SandboxPagerDuty } from './world';

/*
 * The routes of `npm start`'s sandbox policy: Payments SRE incidents in a channel of their own, with a PagerDuty
 * on-call paged at once for a P1; Database incidents in another, taking up P1–P3 only; everything else in the
 * incident channel (SLACK_INCIDENT_CHANNEL). The workspace, the PagerDuty fake and the worker's environment are set up
 * to match, so a new user sees incidents land in different channels and pages arrive.
 */

/** Where the routes' threads open; the bot is a member of both, as after `/invite @OpsLoop`. */
export const SANDBOX_ROUTE_CHANNELS = {
  payments: { id: 'C0PAYMENTS', name: 'payments-incidents', botIsMember: true },
  database: { id: 'C0DATABASE', name: 'database-incidents', botIsMember: true },
} as const satisfies Record<string, FakeChannelSpec>;

/** The variables the payments route's routing keys are read from (the worker's environment), level 1 then level 2. */
export const SANDBOX_ROUTING_KEY_VARIABLES = ['PAGERDUTY_ROUTING_KEY_PAYMENTS', 'PAGERDUTY_ROUTING_KEY_PAYMENTS_ESCALATION'] as const;

/** The payments route's escalation policy in the PagerDuty fake, whose on-calls `/ops oncall payments` lists. */
export const SANDBOX_ESCALATION_POLICY_ID = 'PSANDPAY';

/** Who the PagerDuty fake says is on call for the payments route: demo people, always on call. */
export const SANDBOX_ON_CALLS: readonly FakeOnCall[] = [
  { level: 1, user: { id: 'PSANDRIO', name: 'Rio Payments (sandbox)' }, schedule: { id: 'PSANDSCH', name: 'Payments primary' } },
  { level: 2, user: { id: 'PSANDKIM', name: 'Kim Escalation (sandbox)' } },
];

const envReference = (name: string) => `\${${name}}`;

export const SANDBOX_ROUTES: readonly Route[] = [
  {
    name: 'payments',
    match: { assignmentGroups: ['Payments SRE'] },
    channel: SANDBOX_ROUTE_CHANNELS.payments.id,
    investigateUpTo: '5',
    oncall: {
      routingKey: envReference(SANDBOX_ROUTING_KEY_VARIABLES[0]),
      escalationRoutingKeys: [envReference(SANDBOX_ROUTING_KEY_VARIABLES[1])],
      escalationPolicyId: SANDBOX_ESCALATION_POLICY_ID,
      pageAtOnceUpTo: '1',
    },
  },
  {
    name: 'database',
    match: { assignmentGroups: ['Database'] },
    channel: SANDBOX_ROUTE_CHANNELS.database.id,
    investigateUpTo: '3',
  },
];

/** Fresh routing keys for this run, by the variable each route reads. */
export const sandboxRoutingKeys = (): Record<string, string> => Object.fromEntries(SANDBOX_ROUTING_KEY_VARIABLES.map((name) => [name, sandboxRoutingKey()]));

export interface SandboxRoutesPagerDuty extends SandboxPagerDuty {
  /** The variable each minted routing key is exported as, by key: what the console shows instead of the key. */
  routingKeyNames: Record<string, string>;
}

/** The PagerDuty fake with this run's routing keys registered and the payments escalation policy's on-calls seeded. */
export async function startSandboxRoutesPagerDuty(): Promise<SandboxRoutesPagerDuty> {
  const keys = sandboxRoutingKeys();
  const pagerduty = await startSandboxPagerDuty(keys);
  pagerduty.fake.onCalls.set(SANDBOX_ESCALATION_POLICY_ID, SANDBOX_ON_CALLS.map((entry) => ({ ...entry })));
  return { ...pagerduty, routingKeyNames: Object.fromEntries(Object.entries(keys).map(([name, key]) => [key, name])) };
}
