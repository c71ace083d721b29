import { OnCallNotConfiguredError } from '../errors';
import type { FetchFn } from '../http';
import { createPagerDutyEventsClient, DEFAULT_PAGERDUTY_EVENTS_URL, type AlertEvent } from '../pagerduty/events-api';
import { createPagerDutyRestClient, DEFAULT_PAGERDUTY_API_URL } from '../pagerduty/rest-api';

export type { AlertEvent as OnCallEvent } from '../pagerduty/events-api';
export type { EventAction as OnCallAction, Severity as OnCallSeverity } from '../pagerduty/shapes';

/** Who is on call at one level of an escalation policy. */
export interface OnCallEntry {
  level: number;
  userName: string;
  userId: string;
  /** The person's page in the provider's web app, when it sent one. */
  htmlUrl?: string;
  /** When this on-call ends (ISO 8601); undefined: it does not end (a permanent on-call). */
  until?: string;
}

/** Pages people and tells who is on call; PagerDuty is the first implementation. */
export interface OnCallProvider {
  /** Sends one alert event; the same dedup key names the same alert, so a repeated trigger opens nothing new. */
  sendEvent(event: AlertEvent): Promise<{ dedupKey: string }>;
  /** Who is on call now for an escalation policy, by level then name. Throws OnCallNotConfiguredError without a REST key. */
  whoIsOnCall(query: { escalationPolicyId: string }): Promise<OnCallEntry[]>;
}

export interface OnCallProviderConfig {
  /** PAGERDUTY_EVENTS_URL; default https://events.pagerduty.com. */
  eventsUrl?: string;
  /** PAGERDUTY_API_URL; default https://api.pagerduty.com. */
  apiUrl?: string;
  /** PAGERDUTY_API_TOKEN: a REST API key for on-calls; without it whoIsOnCall says how to configure it. */
  apiToken?: string;
  timeoutMs: number;
  fetch?: FetchFn;
}

/** The configuration fields a worker or API configuration holds (see src/config/env.ts). */
export const onCallConfigFrom = (cfg: { PAGERDUTY_EVENTS_URL?: string; PAGERDUTY_API_URL?: string; PAGERDUTY_API_TOKEN?: string }, timeoutMs: number): OnCallProviderConfig => ({
  eventsUrl: cfg.PAGERDUTY_EVENTS_URL,
  apiUrl: cfg.PAGERDUTY_API_URL,
  apiToken: cfg.PAGERDUTY_API_TOKEN,
  timeoutMs,
});

export const ON_CALL_TOKEN_MISSING =
  "PagerDuty's REST API key is not configured: set PAGERDUTY_API_TOKEN (a read-only REST API key from PagerDuty's Integrations → API Access Keys) for OpsLoop's API and worker";

/** The on-call provider for a configuration: PagerDuty (Events API v2 to page, REST API v2 for on-calls). */
export function createOnCallProvider(cfg: OnCallProviderConfig): OnCallProvider {
  const events = createPagerDutyEventsClient({ eventsUrl: cfg.eventsUrl ?? DEFAULT_PAGERDUTY_EVENTS_URL, timeoutMs: cfg.timeoutMs, fetch: cfg.fetch });
  const rest = cfg.apiToken ? createPagerDutyRestClient({ apiUrl: cfg.apiUrl ?? DEFAULT_PAGERDUTY_API_URL, token: cfg.apiToken, timeoutMs: cfg.timeoutMs, fetch: cfg.fetch }) : undefined;
  return {
    async sendEvent(event) {
      const { dedupKey } = await events.enqueue(event);
      return { dedupKey };
    },
    async whoIsOnCall({ escalationPolicyId }) {
      if (!rest) throw new OnCallNotConfiguredError(ON_CALL_TOKEN_MISSING, 'PagerDuty REST API');
      const oncalls = await rest.listOnCalls(escalationPolicyId);
      return oncalls
        .map((o) => ({
          level: o.escalation_level,
          userName: o.user.summary ?? o.user.id,
          userId: o.user.id,
          ...(o.user.html_url ? { htmlUrl: o.user.html_url } : {}),
          ...(o.end ? { until: o.end } : {}),
        }))
        .sort((a, b) => a.level - b.level || a.userName.localeCompare(b.userName));
    },
  };
}

/** Where a route's level is paged and looked up. The routing key may be written as `${ENV_NAME}` (see resolveEnvReferences). */
export interface OnCallTarget {
  routingKey: string;
  escalationPolicyId?: string;
}

/** A route name and escalation level to its target, read from the configuration when the call is made; undefined: unknown. */
export type ResolveOnCall = (route: string, level: number) => OnCallTarget | undefined;
