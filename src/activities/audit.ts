import type { AuditStore } from '../audit/audit-store';
import type { AuditEvent } from '../contracts/audit';

export function createAuditActivities(audit: AuditStore) {
  return {
    /** Idempotent by eventId, so a retried attempt writes nothing twice. */
    async recordAudit(event: Omit<AuditEvent, 'at'> & { at?: string }): Promise<void> {
      // Workflows keep no wall clock; the first attempt's time is what the store keeps (first write wins).
      await audit.append({ ...event, at: event.at ?? new Date().toISOString() });
    },
  };
}
