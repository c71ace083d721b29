import { randomUUID } from 'node:crypto';
import type { AuditStore } from '../audit/audit-store';
import type { AuditEvent } from '../contracts/audit';
import type { CommandContext } from './command-types';

/**
 * Writes a row for something the API decided itself (a denial, a refused click): nothing else records it. With a
 * delivery key (Slack's event_id), a redelivered event finds its row already written (first write wins).
 */
export async function auditFromApi(audit: AuditStore, event: Omit<AuditEvent, 'eventId' | 'at'>, deliveryKey?: string): Promise<void> {
  await audit.append({ ...event, eventId: `api/${deliveryKey ?? randomUUID()}`, at: new Date().toISOString() });
}

/** The audit key of a refusal: per Slack event when there is one, so Slack's retries of it are not audited again. */
export const refusalKey = (ctx: CommandContext) => (ctx.eventId ? `slack-event/${ctx.eventId}/refused` : undefined);

/** Audits a command the API refused, with the reason the person was shown. */
export function auditRefusal(audit: AuditStore, ctx: CommandContext, refusal: { action: string; reason: string; incidentNumber?: string }): Promise<void> {
  return auditFromApi(
    audit,
    {
      source: ctx.source,
      action: refusal.action,
      actorId: ctx.userId,
      actorName: ctx.userName,
      channelId: ctx.channelId,
      text: ctx.text,
      incidentNumber: refusal.incidentNumber,
      result: 'denied',
      reason: refusal.reason,
    },
    refusalKey(ctx),
  );
}
