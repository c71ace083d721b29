import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { OnCallProvider, ResolveOnCall } from '../clients/oncall/on-call-provider';
import { MissingEnvReferenceError, resolveEnvReferences } from '../config/env-reference';
import { pageDedupKey, type PageOnCallInput, type PageOnCallResult, type WhoIsOnCallResult } from '../contracts/paging';
import { INCIDENT_NUMBER_PATTERN } from '../contracts/workflow-ids';

export interface PagingDeps {
  onCall?: OnCallProvider;
  /** Absent until routes are configured: every page then answers `paged: false`. */
  resolveOnCall?: ResolveOnCall;
  /** The worker's environment, for routing keys written as `${ENV_NAME}`. */
  env: Readonly<Record<string, string | undefined>>;
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
  const target = (route: string, level: number): { routingKey: string; escalationPolicyId?: string } | { reason: string } => {
    if (!deps.onCall) return { reason: 'no on-call provider is configured' };
    if (!deps.resolveOnCall) return { reason: 'no on-call routes are configured' };
    const found = deps.resolveOnCall(route, level);
    if (!found) return { reason: `no on-call route ${route} at level ${level}` };
    try {
      return { ...found, routingKey: resolveEnvReferences(found.routingKey, deps.env) };
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
      const resolved = target(route, level);
      if ('reason' in resolved) return { paged: false, reason: resolved.reason };
      const { dedupKey } = await deps.onCall!.sendEvent({
        routingKey: resolved.routingKey,
        action,
        dedupKey: pageDedupKey(incidentNumber, level),
        ...(action === 'trigger' && summary && severity
          ? { payload: { summary, source: SOURCE, severity, component: route, customDetails: { incident: incidentNumber, route, level } }, links: links?.slice(0, MAX_LINKS) }
          : {}),
      });
      return { paged: true, dedupKey, level };
    },

    /** Who is on call, per level, for a route's escalation policy (that of its level 1). */
    async whoIsOnCall(input: { route: string }): Promise<WhoIsOnCallResult> {
      const route = z.string().min(1).max(64).safeParse(input?.route);
      if (!route.success) throw invalid('whoIsOnCall was given an invalid route', route.error);
      const resolved = target(route.data, 1);
      if ('reason' in resolved) return { found: false, reason: resolved.reason };
      if (!resolved.escalationPolicyId) return { found: false, reason: `on-call route ${route.data} names no escalation policy` };
      const entries = await deps.onCall!.whoIsOnCall({ escalationPolicyId: resolved.escalationPolicyId });
      return { found: true, route: route.data, entries };
    },
  };
}
