import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditEvent, AuditQuery } from '../contracts/audit';
import { matches, sanitize, type AuditStore } from './audit-store';

function readAll(file: string): AuditEvent[] {
  if (!existsSync(file)) return [];
  const events = new Map<string, AuditEvent>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const event = JSON.parse(line) as AuditEvent;
      // First write wins: a retried activity or a second process may append the same event again.
      if (!events.has(event.eventId)) events.set(event.eventId, event);
    } catch {
      // a torn last line after a crash: skip it
    }
  }
  return [...events.values()];
}

/**
 * The audit trail as an append-only JSON-lines file (no DATABASE_URL). Each event is one write with O_APPEND, so
 * the API and the worker can share the file; duplicates (retries) are dropped here and again when reading.
 */
export function createJsonlAuditStore(file: string): AuditStore {
  mkdirSync(dirname(file), { recursive: true });
  const seen = new Set(readAll(file).map((e) => e.eventId));
  return {
    append(event) {
      if (seen.has(event.eventId)) return Promise.resolve();
      appendFileSync(file, `${JSON.stringify(sanitize(event))}\n`, { flag: 'a' });
      seen.add(event.eventId);
      return Promise.resolve();
    },
    list(query: AuditQuery) {
      const rows = readAll(file).filter((e) => matches(e, query));
      return Promise.resolve(rows.slice(-(query.limit ?? 1000)));
    },
    close: () => Promise.resolve(),
  };
}
