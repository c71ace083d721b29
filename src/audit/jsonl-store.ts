import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEvent, AuditQuery } from '../contracts/audit';
import { matches, sanitize, type AuditStore } from './audit-store';
import { lockWriter } from './writer-lock';

/** `audit-<writer>.jsonl`, one per writing process, and `audit.jsonl`, which one file shared by all was called before. */
const AUDIT_FILE = /^audit(-[a-z0-9-]+)?\.jsonl$/;

export const jsonlAuditFile = (dir: string, writer: string): string => join(dir, `audit-${writer}.jsonl`);

function readFile(file: string, into: Map<string, AuditEvent>): void {
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const event = JSON.parse(line) as AuditEvent;
      // First write wins: a retried activity may append the same event again.
      if (!into.has(event.eventId)) into.set(event.eventId, event);
    } catch {
      // a torn last line after a crash, or one being written now: skip it
    }
  }
}

function readAll(dir: string): AuditEvent[] {
  const events = new Map<string, AuditEvent>();
  for (const name of readdirSync(dir).filter((n) => AUDIT_FILE.test(n)).sort()) readFile(join(dir, name), events);
  // ISO times sort as strings; the sort is stable, so events of one millisecond keep their file order.
  return [...events.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/**
 * The audit trail as append-only JSON-lines files in one folder (no DATABASE_URL): each process appends to a file of
 * its own, `audit-<writer>.jsonl` (the API and the worker of `npm start` side by side), and reads them all. A file
 * has one writer: a second process opening it while the first lives is refused (AuditFileLockedError), since
 * several processes of a kind need PostgreSQL. Retried appends are dropped here and again when reading.
 */
export function createJsonlAuditStore(dir: string, writer: string): AuditStore {
  mkdirSync(dir, { recursive: true });
  const file = jsonlAuditFile(dir, writer);
  const release = lockWriter(file);
  const seen = new Map<string, AuditEvent>();
  readFile(file, seen);
  return {
    append(event) {
      if (seen.has(event.eventId)) return Promise.resolve();
      appendFileSync(file, `${JSON.stringify(sanitize(event))}\n`, { flag: 'a' });
      seen.set(event.eventId, event);
      return Promise.resolve();
    },
    list(query: AuditQuery) {
      const rows = readAll(dir).filter((e) => matches(e, query));
      return Promise.resolve(rows.slice(-(query.limit ?? 1000)));
    },
    close() {
      release();
      return Promise.resolve();
    },
  };
}
