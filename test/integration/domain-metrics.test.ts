import type { Route } from '../../src/policy/route-schema';
import { sandboxRoutingKey } from '../../src/sandbox/world';
import { impactUrgencyFor } from '../../src/servicenow/priority';
import { eventually } from '../helpers/eventually';
import { freePort } from '../helpers/free-port';
import { click, decisionMessage, incidentResult } from '../helpers/incident-loop';
import { startStack, type Stack } from '../helpers/stack';
import { testPolicy } from '../helpers/test-policy';

const CHANNEL = 'C0PAYMENTS';
const LEAD = 'U0PAYLEAD';
const ROUTING_KEY = sandboxRoutingKey();

const route: Route = {
  name: 'payments',
  match: { assignmentGroups: ['Payments SRE'] },
  channel: CHANNEL,
  approvers: { users: [LEAD], groups: [] },
  approvals: { default: { approvals: 1, requesterMayApprove: false }, byPriority: {} },
  investigateUpTo: '5',
  oncall: { routingKey: ROUTING_KEY, escalationRoutingKeys: [], escalationPolicyId: 'PPAYMTS', pageAtOnceUpTo: '1' },
};

/** The sum of a Prometheus text exposition's samples named `name` whose labels include every one of `labels`. */
function sampleSum(text: string, name: string, labels: Record<string, string>): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const has = Object.entries(labels).every(([k, v]) => (match[2] ?? '').split(',').includes(`${k}="${v}"`));
    if (has) sum = (sum ?? 0) + Number(match[3]);
  }
  return sum;
}

/**
 * The on-call lead's metrics move as the loop runs, driven over HTTP: a signed Business Rule webhook, the agent's
 * findings, PagerDuty's page, an approval click. The API's /metrics counts the decision waiting; the worker (a
 * process of its own, exporting its Temporal Runtime's metrics) counts the page, the outcome and the times.
 */
describe('domain metrics: what an on-call lead watches', () => {
  let stack: Stack;
  let workerMetricsUrl: string;
  beforeAll(async () => {
    const address = `127.0.0.1:${await freePort()}`;
    workerMetricsUrl = `http://${address}/metrics`;
    stack = await startStack({
      policy: testPolicy({ routes: [route] }),
      channels: [{ id: CHANNEL, name: 'payments', botIsMember: true }],
      workerProcess: { env: { OPSLOOP_WORKER_METRICS_ADDRESS: address } },
    });
    stack.pagerduty.routingKeys.add(ROUTING_KEY);
    stack.servicenow.installBusinessRule(stack.businessRule);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const apiMetrics = async () => (await fetch(`${stack.apiUrl}/metrics`)).text();
  const workerMetrics = async () => (await fetch(workerMetricsUrl)).text();
  const pending = async () => sampleSum(await apiMetrics(), 'opsloop_decisions_pending', { route: 'payments', priority: '1' });

  it('counts the decision waiting by route and priority, then the page, the outcome and the times to findings, decision and resolution', async () => {
    expect(await pending()).toBeUndefined();
    const number = stack.servicenow.createIncident({ short_description: 'Payments P1: card authorisations failing', state: '2', assignment_group: 'Payments SRE', ...impactUrgencyFor('1') }).number;
    const decision = await decisionMessage(stack, number);

    // Visibility is eventually consistent and the API reads it at most every 5 s.
    await eventually(async () => (await pending()) === 1, 20_000, 'opsloop_decisions_pending{route="payments",priority="1"} 1');
    expect(await apiMetrics()).toContain('opsloop_decisions_pending_fresh 1');
    await eventually(() => stack.pagerduty.alerts.length === 1, 20_000, 'the page');
    const paged = await eventually(async () => sampleSum(await workerMetrics(), 'opsloop_pages_sent', { route: 'payments', level: '1', action: 'trigger' }), 10_000, 'opsloop_pages_sent');
    expect(paged).toBe(1);

    await click(stack, decision, 'approve', LEAD);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved' });
    await eventually(async () => (await pending()) === 0, 20_000, 'opsloop_decisions_pending{route="payments",priority="1"} 0');

    const text = await eventually(async () => {
      const t = await workerMetrics();
      return sampleSum(t, 'opsloop_resolutions', { route: 'payments', outcome: 'resolved' }) === 1 && t;
    }, 20_000, 'opsloop_resolutions{outcome="resolved"} 1');
    const times = { route: 'payments', priority: '1' };
    for (const name of ['opsloop_time_to_findings_seconds', 'opsloop_time_to_decision_seconds', 'opsloop_time_to_resolve_seconds']) {
      expect([name, sampleSum(text, `${name}_count`, times)]).toEqual([name, 1]);
      // Seconds-scale buckets (src/worker/main.ts), not the exporter's millisecond defaults.
      expect([name, sampleSum(text, `${name}_bucket`, { ...times, le: '86400' })]).toEqual([name, 1]);
    }
    const decided = sampleSum(text, 'opsloop_time_to_decision_seconds_sum', times)!;
    expect(decided).toBeGreaterThan(0);
    expect(decided).toBeLessThan(120);
    // The page is resolved once decided: one more event PagerDuty accepted.
    await eventually(async () => sampleSum(await workerMetrics(), 'opsloop_pages_sent', { route: 'payments', level: '1', action: 'resolve' }) === 1, 10_000, 'the resolve counted');
    expect(sampleSum(await workerMetrics(), 'opsloop_pages_sent', { route: 'payments', action: 'trigger' })).toBe(1);
  });
});
