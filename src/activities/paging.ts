import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { OnCallProvider, OnCallTarget, ResolveOnCall } from '../clients/oncall/on-call-provider';
import { MissingEnvReferenceError, resolveEnvReferences } from '../config/env-reference';
import { pageDedupKey, type PageOnCallInput, type PageOnCallResult, type WhoIsOnCallResult } from '../contracts/paging';
import { INCIDENT_NUMBER_PATTERN } from '../contracts/workflow-ids';
import type { DomainMetrics } from './domain-metrics';

export interface PagingDeps {
  onCall?: OnCallProvider;
  /** Absent until routes are configured: every page then answers `paged: false`. */
  resolveOnCall?: ResolveOnCall;
  /** The worker's environment, for routing keys written as `${ENV_NAME}`. */
  env: Readonly<Record<string, string | undefined>>;
  /** Told of each event PagerDuty accepted. */
  metrics?: Pick<DomainMetrics, 'pageSent'>;
}

/** Where PagerDuty shows the alert came from (payload.source). */
const SOURCE = 'OpsLoop';
const MAX_LINKS = 5;

const inputSchema = z
  .object({
    incidentNumber: z.string().regex(INCIDENT_NUMBER_PATTERN, 'must be an incident number like INC0010001'),
    route: z.string().min(1).max(64),
    level: z.number().int().min(1).max(20),
    action: z.enum(['trigger', 'acknowledge', 'resolve']),
    summary: z.string().trim().min(1).optional(),
    severity: z.enum(['critical', 'error', 'warning', 'info']).optional(),
    links: z.array(z.object({ href: z.url({ protocol: /^https?$/ }), text: z.string().max(200).optional() })).optional(),
  })
  .refine((i) => i.action !== 'trigger' || (i.summary !== undefined && i.severity !== undefined), { message: 'a trigger needs a summary and a severity' });

const invalid = (what: string, error: z.ZodError) =>
  ApplicationFailure.create({ type: 'InvalidPageRequest', nonRetryable: true, message: `${what}: ${error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}` });

/**
 * Paging through the on-call provider. The workflow names a route and a level; the routing key and escalation policy
 * are resolved here, when the call runs, so they never enter a workflow history. The alert's dedup key comes from the
 * incident and the level only: a retry after a lost answer sends the same key and PagerDuty keeps one alert.
 */
export function createPagingActivities(deps: PagingDeps) {
  const lookup = (route: string, level: number): { provider: OnCallProvider; target: OnCallTarget } | { reason: string } => {
    if (!deps.onCall) return { reason: 'no on-call provider is configured' };
    if (!deps.resolveOnCall) return { reason: 'no on-call routes are configured' };
    const target = deps.resolveOnCall(route, level);
    return target ? { provider: deps.onCall, target } : { reason: `no on-call route ${route} at level ${level}` };
  };
  /** The route's target with its routing key read from the environment now (never earlier, never stored). */
  const routingKeyOf = (route: string, target: OnCallTarget): { routingKey: string } | { reason: string } => {
    try {
      return { routingKey: resolveEnvReferences(target.routingKey, deps.env) };
    } catch (err) {
      if (err instanceof MissingEnvReferenceError) return { reason: `the routing key of on-call route ${route} names ${err.variable}, which is not set in the worker's environment` };
      throw err;
    }
  };

  return {
    async pageOnCall(input: PageOnCallInput): Promise<PageOnCallResult> {
      const parsed = inputSchema.safeParse(input);
      if (!parsed.success) throw invalid('pageOnCall was given an invalid request', parsed.error);
      const { incidentNumber, route, level, action, summary, severity, links } = parsed.data;
      const found = lookup(route, level);
      if ('reason' in found) return { paged: false, reason: found.reason };
      const key = routingKeyOf(route, found.target);
      if ('reason' in key) return { paged: false, reason: key.reason };
      const { dedupKey } = await found.provider.sendEvent({
        routingKey: key.routingKey,
        action,
        dedupKey: pageDedupKey(incidentNumber, level),
        ...(action === 'trigger' && summary && severity
          ? { payload: { summary, source: SOURCE, severity, component: route, customDetails: { incident: incidentNumber, route, level } }, links: links?.slice(0, MAX_LINKS) }
          : {}),
      });
      deps.metrics?.pageSent({ route, level, action });
      return { paged: true, dedupKey, level, at: new Date().toISOString() };
    },

    /** Who is on call, per level, for a route's escalation policy (that of its level 1). */
    async whoIsOnCall(input: { route: string }): Promise<WhoIsOnCallResult> {
      const route = z.string().min(1).max(64).safeParse(input?.route);
      if (!route.success) throw invalid('whoIsOnCall was given an invalid route', route.error);
      const found = lookup(route.data, 1);
      if ('reason' in found) return { found: false, reason: found.reason };
      const { escalationPolicyId } = found.target;
      if (!escalationPolicyId) return { found: false, reason: `on-call route ${route.data} names no escalation policy` };
      const entries = await found.provider.whoIsOnCall({ escalationPolicyId });
      return { found: true, route: route.data, entries };
    },
  };
}
