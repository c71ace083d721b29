import { z } from 'zod';

// PagerDuty's wire shapes, read at the edge (Events API v2 and REST API v2).

export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const EVENT_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

/** PagerDuty's documented limits on an alert event. */
export const LIMITS = { routingKeyLength: 32, dedupKeyMax: 255, summaryMax: 1024 } as const;

/** The 202 answer of POST /v2/enqueue. */
export const enqueueAcceptedSchema = z.object({ status: z.string(), message: z.string().optional(), dedup_key: z.string().min(1) });

/** The Events API's error answer (400, and 5xx when it says anything). */
export const eventsErrorSchema = z.object({ status: z.string().optional(), message: z.string().optional(), errors: z.array(z.string()).optional() });

/** The REST API's error answer. */
export const restErrorSchema = z.object({
  error: z.object({ message: z.string().optional(), code: z.number().optional(), errors: z.array(z.string()).optional() }),
});

const reference = z.object({ id: z.string(), summary: z.string().optional(), html_url: z.string().optional() });

/** One entry of GET /oncalls. */
export const onCallSchema = z.object({
  user: reference,
  escalation_policy: reference.optional(),
  schedule: reference.nullish(),
  escalation_level: z.number().int(),
  start: z.string().nullish(),
  end: z.string().nullish(),
});
export type OnCallWire = z.infer<typeof onCallSchema>;

/** A page of GET /oncalls (classic offset pagination). */
export const onCallsPageSchema = z.object({
  oncalls: z.array(onCallSchema),
  limit: z.number().int().optional(),
  offset: z.number().int().optional(),
  more: z.boolean().optional(),
});
