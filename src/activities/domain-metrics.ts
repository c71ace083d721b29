import { asyncLocalStorage, type Context } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';
import type { TimelineDurations } from '../timeline/timeline';

/** A page PagerDuty accepted. */
export interface PageSent {
  route: string;
  level: number;
  action: string;
}

/** How an investigation run ended, once per run. */
export interface InvestigationEnded {
  route: string;
  priority: string;
  outcome: string;
  durations: TimelineDurations;
}

/** What an on-call lead watches, told by the activities that see it happen; a retried attempt is told again. */
export interface DomainMetrics {
  pageSent(page: PageSent): void;
  /** Called from the run's timeline activity, once per investigation run. */
  investigationEnded(end: InvestigationEnded): void;
}

export const METRIC = {
  pagesSent: 'opsloop_pages_sent',
  resolutions: 'opsloop_resolutions',
  timeToFindings: 'opsloop_time_to_findings_seconds',
  timeToDecision: 'opsloop_time_to_decision_seconds',
  timeToResolve: 'opsloop_time_to_resolve_seconds',
} as const;

/** Seconds from an investigation's start: a minute's detail at first, then up to a day. */
export const INCIDENT_SECONDS_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];

/** The Runtime's Prometheus exporter would give these its millisecond-scale default buckets (src/worker/main.ts). */
export const DOMAIN_HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [METRIC.timeToFindings]: INCIDENT_SECONDS_BUCKETS,
  [METRIC.timeToDecision]: INCIDENT_SECONDS_BUCKETS,
  [METRIC.timeToResolve]: INCIDENT_SECONDS_BUCKETS,
};

/** Remembers the last `limit` keys: enough to see an activity's retries, bounded however long the worker runs. */
export function recentKeys(limit: number) {
  const keys = new Set<string>();
  return {
    /** True the first time a key is seen (while it is among the last `limit`). */
    firstTime(key: string): boolean {
      if (keys.has(key)) return false;
      keys.add(key);
      if (keys.size > limit) keys.delete(keys.values().next().value!);
      return true;
    },
  };
}

const RECENT_KEYS = 10_000;

/**
 * Domain metrics through the Temporal Runtime's meter, read from the running activity's context: they reach the
 * worker's Prometheus endpoint (OPSLOOP_WORKER_METRICS_ADDRESS) next to the SDK's own, with the activity's tags
 * (namespace, task_queue, activity_type, workflow_type) added by the SDK. Outside an activity (a plain function call
 * in a test) nothing is recorded.
 *
 * A retried attempt (an answer lost after PagerDuty accepted, a failed Slack post after the durations were read) is
 * the same activity of the same run, and this worker counts it once. A retry that lands on another worker is counted
 * there too: each worker process's counters are its own, and the first worker's count may have died with it.
 */
export function activityMeterMetrics(contextOf: () => Pick<Context, 'metricMeter' | 'info'> | undefined = () => asyncLocalStorage.getStore()): DomainMetrics {
  const seen = recentKeys(RECENT_KEYS);
  /** The meter, the first time this activity (`perRun`: this run) reports; else undefined. */
  const firstReport = (kind: string, perRun: boolean): MetricMeter | undefined => {
    const context = contextOf();
    if (!context) return undefined;
    const { workflowExecution, activityId } = context.info;
    const key = `${kind}/${workflowExecution?.workflowId ?? ''}/${workflowExecution?.runId ?? ''}${perRun ? '' : `/${activityId}`}`;
    return seen.firstTime(key) ? context.metricMeter : undefined;
  };
  return {
    pageSent({ route, level, action }) {
      const meter = firstReport('page', false);
      if (!meter) return;
      meter.createCounter(METRIC.pagesSent, '1', 'Pages PagerDuty accepted, by route, escalation level and action.').add(1, { route, level: String(level), action });
    },
    investigationEnded({ route, priority, outcome, durations }) {
      const meter = firstReport('ended', true);
      if (!meter) return;
      meter.createCounter(METRIC.resolutions, '1', 'Investigations ended, by route and outcome (resolved, rejected, expired, finished-elsewhere, failed).').add(1, { route, outcome });
      const tags = { route, priority };
      const observe = (name: string, what: string, ms: number | undefined) => {
        if (ms !== undefined) meter.createHistogram(name, 'float', 's', `Seconds from an investigation's start to ${what}, by route and priority.`).record(ms / 1000, tags);
      };
      observe(METRIC.timeToFindings, 'its findings', durations.toFindings);
      observe(METRIC.timeToDecision, 'its approval or rejection', durations.toDecision);
      observe(METRIC.timeToResolve, 'the incident resolved', durations.toResolve);
    },
  };
}
