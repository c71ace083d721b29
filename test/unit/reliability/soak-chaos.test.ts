import { runChaos, type Disruption } from '../../reliability/soak/chaos';
import { classify } from '../../reliability/soak/report';
import type { ChaosStep } from '../../reliability/soak/targets';

describe("the soak's chaos schedule", () => {
  const step = (kind: ChaosStep['kind'], share: number, outage: boolean, calls: string[]): ChaosStep => ({
    share,
    kind,
    outage,
    downMs: outage ? 20 : 0,
    kill: () => Promise.resolve(void calls.push(`kill ${kind}`)),
    start: () => Promise.resolve(void calls.push(`start ${kind}`)),
  });

  it('strikes each step once its share is resolved, in order, and lets incidents arrive only during an outage', async () => {
    const calls: string[] = [];
    let resolved = 0;
    const ticking = setInterval(() => (resolved += 1), 5);
    const disruptions: Disruption[] = [];
    await runChaos(
      {
        schedule: [step('worker SIGKILL', 0.2, false, calls), step('history SIGKILL', 0.5, true, calls), step('API replica SIGKILL', 0.8, false, calls)],
        total: 20,
        resolved: () => resolved,
        done: () => false,
        duringOutage: () => calls.push('arrivals'),
        log: () => undefined,
      },
      disruptions,
    ).finally(() => clearInterval(ticking));
    expect(calls).toEqual(['kill worker SIGKILL', 'start worker SIGKILL', 'kill history SIGKILL', 'arrivals', 'start history SIGKILL', 'kill API replica SIGKILL', 'start API replica SIGKILL']);
    expect(disruptions.map((d) => [d.kind, d.outage, d.afterResolved >= [4, 10, 16][disruptions.indexOf(d)]!])).toEqual([
      ['worker SIGKILL', false, true],
      ['history SIGKILL', true, true],
      ['API replica SIGKILL', false, true],
    ]);
    const history = disruptions[1]!;
    expect(history.restartAt - history.downAt).toBeGreaterThanOrEqual(15);
  });

  it('stops without striking once the driver is done', async () => {
    const calls: string[] = [];
    const disruptions: Disruption[] = [];
    await runChaos({ schedule: [step('matching SIGKILL', 0.5, false, calls)], total: 10, resolved: () => 0, done: () => true, duringOutage: () => undefined, log: () => undefined }, disruptions);
    expect([calls, disruptions]).toEqual([[], []]);
  });

  it('counts a request acknowledged during any outage as an unexpected failure', () => {
    expect(classify('#12 /webhooks/servicenow: answered 202 while history was down')).toBe('unexpected failure');
    expect(classify('#12 /slack/commands: acknowledged while dev server was down')).toBe('unexpected failure');
  });
});
