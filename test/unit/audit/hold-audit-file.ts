import { createJsonlAuditStore } from '../../../src/audit/jsonl-store';

/**
 * A process that writes the audit file HOLD_DIR/audit-HOLD_WRITER.jsonl and keeps it: appends one event, says
 * "holding", then waits to be killed (test/unit/audit/second-writer.test.ts).
 */
const store = createJsonlAuditStore(process.env.HOLD_DIR ?? '', process.env.HOLD_WRITER ?? 'api');
void store.append({ eventId: `held-by-${process.pid}`, at: new Date().toISOString(), source: 'webhook', action: 'resolve', result: 'accepted' }).then(() => {
  process.stdout.write('holding\n');
  setInterval(() => undefined, 60_000);
});
