import type { MetricMeter } from '@temporalio/common';
import { activityMeterMetrics, recentKeys } from '../../../src/activities/domain-metrics';

/** A meter that records what was counted and observed, as `name{tags} value`. */
function recordingMeter() {
  const recorded: string[] = [];
  const tagged = (tags: Record<string, unknown>) => Object.entries(tags).map(([k, v]) => `${k}=${String(v)}`).join(',');
  const meter = {
    createCounter: (name: string) => ({ add: (value: number, tags: Record<string, unknown> = {}) => void recorded.push(`${name}{${tagged(tags)}} +${value}`) }),
    createHistogram: (name: string, valueType: string) => ({ record: (value: number, tags: Record<string, unknown> = {}) => void recorded.push(`${name}[${valueType}]{${tagged(tags)}} ${value}`) }),
  } as unknown as MetricMeter;
  return { meter, recorded };
}

const info = (runId: string, activityId: string) => ({ workflowExecution: { workflowId: 'incident/INC0010001', runId }, activityId }) as never;

describe('activityMeterMetrics', () => {
  it('counts a page once per activity, however often it is retried, and another activity again', () => {
    const { meter, recorded } = recordingMeter();
    let context = { metricMeter: meter, info: info('run-1', '7') };
    const metrics = activityMeterMetrics(() => context);
    metrics.pageSent({ route: 'payments', level: 1, action: 'trigger' });
    metrics.pageSent({ route: 'payments', level: 1, action: 'trigger' });
    context = { metricMeter: meter, info: info('run-1', '9') };
    metrics.pageSent({ route: 'payments', level: 1, action: 'resolve' });
    expect(recorded).toEqual(['opsloop_pages_sent{route=payments,level=1,action=trigger} +1', 'opsloop_pages_sent{route=payments,level=1,action=resolve} +1']);
  });

  it('records an ended run once: its outcome, and the times it reached in seconds (none for a milestone it missed)', () => {
    const { meter, recorded } = recordingMeter();
    const metrics = activityMeterMetrics(() => ({ metricMeter: meter, info: info('run-2', '12') }));
    const end = { route: 'default', priority: '3', outcome: 'rejected', durations: { toFindings: 42_500, toDecision: 90_000 } };
    metrics.investigationEnded(end);
    metrics.investigationEnded(end);
    expect(recorded).toEqual([
      'opsloop_resolutions{route=default,outcome=rejected} +1',
      'opsloop_time_to_findings_seconds[float]{route=default,priority=3} 42.5',
      'opsloop_time_to_decision_seconds[float]{route=default,priority=3} 90',
    ]);
  });

  it('records nothing outside an activity', () => {
    const metrics = activityMeterMetrics(() => undefined);
    expect(() => metrics.pageSent({ route: 'payments', level: 1, action: 'trigger' })).not.toThrow();
    expect(() => metrics.investigationEnded({ route: 'payments', priority: '1', outcome: 'resolved', durations: { toResolve: 1 } })).not.toThrow();
  });
});

describe('recentKeys', () => {
  it('says first time once per key, and forgets the oldest beyond its limit', () => {
    const keys = recentKeys(2);
    expect(['a', 'a', 'b', 'c', 'b', 'a'].map((k) => keys.firstTime(k))).toEqual([true, false, true, true, false, true]);
  });
});
