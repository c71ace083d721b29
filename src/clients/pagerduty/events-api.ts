import { UnexpectedResponseError } from '../errors';
import { fetchJson, type FetchFn } from '../http';
import { pagerDutyErrorFor } from './errors';
import { enqueueAcceptedSchema, LIMITS, type EventAction, type Severity } from './shapes';

export const DEFAULT_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com';

export interface PagerDutyEventsConfig {
  /** The Events API's base, without /v2/enqueue. */
  eventsUrl: string;
  timeoutMs: number;
  fetch?: FetchFn;
}

/** One alert event: a trigger carries the payload; acknowledge and resolve name the alert by its dedup key only. */
export interface AlertEvent {
  /** The integration key of a service's Events API v2 integration (32 characters). A secret: never logged. */
  routingKey: string;
  action: EventAction;
  dedupKey: string;
  /** Required for a trigger. */
  payload?: {
    summary: string;
    source: string;
    severity: Severity;
    component?: string;
    group?: string;
    class?: string;
    customDetails?: Record<string, unknown>;
  };
  links?: { href: string; text?: string }[];
  client?: string;
  clientUrl?: string;
}

const TARGET = 'PagerDuty Events API enqueue';

/** The wire body of an event; the summary is cut to PagerDuty's limit rather than refused. */
export function enqueueBody(event: AlertEvent): Record<string, unknown> {
  const { payload } = event;
  return {
    routing_key: event.routingKey,
    event_action: event.action,
    dedup_key: event.dedupKey,
    ...(event.action === 'trigger' && payload
      ? {
          payload: {
            summary: payload.summary.length > LIMITS.summaryMax ? `${payload.summary.slice(0, LIMITS.summaryMax - 1)}…` : payload.summary,
            source: payload.source,
            severity: payload.severity,
            ...(payload.component ? { component: payload.component } : {}),
            ...(payload.group ? { group: payload.group } : {}),
            ...(payload.class ? { class: payload.class } : {}),
            ...(payload.customDetails ? { custom_details: payload.customDetails } : {}),
          },
          ...(event.links?.length ? { links: event.links } : {}),
          ...(event.client ? { client: event.client } : {}),
          ...(event.clientUrl ? { client_url: event.clientUrl } : {}),
        }
      : {}),
  };
}

export type PagerDutyEventsClient = ReturnType<typeof createPagerDutyEventsClient>;

/** PagerDuty's Events API v2: one POST /v2/enqueue per event, answered 202 with the alert's dedup key. */
export function createPagerDutyEventsClient(cfg: PagerDutyEventsConfig) {
  const url = `${cfg.eventsUrl.replace(/\/+$/, '')}/v2/enqueue`;
  return {
    async enqueue(event: AlertEvent): Promise<{ dedupKey: string; message: string }> {
      const answer = await fetchJson({
        target: TARGET,
        url,
        method: 'POST',
        body: enqueueBody(event),
        timeoutMs: cfg.timeoutMs,
        fetch: cfg.fetch,
        errorFor: pagerDutyErrorFor(TARGET, [event.routingKey]),
      });
      const accepted = enqueueAcceptedSchema.safeParse(answer);
      if (!accepted.success) throw new UnexpectedResponseError(`${TARGET}: unexpected answer shape`, TARGET);
      return { dedupKey: accepted.data.dedup_key, message: accepted.data.message ?? accepted.data.status };
    },
  };
}
