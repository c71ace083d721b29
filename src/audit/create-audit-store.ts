import { join } from 'node:path';
import type { AuditStore } from './audit-store';
import { createJsonlAuditStore } from './jsonl-store';
import { createPostgresAuditStore } from './postgres-store';

/** PostgreSQL when DATABASE_URL is set, else an append-only JSON-lines file in the data folder. */
export function createAuditStore(options: { databaseUrl?: string; dataDir: string }): Promise<AuditStore> {
  return options.databaseUrl
    ? createPostgresAuditStore(options.databaseUrl)
    : Promise.resolve(createJsonlAuditStore(join(options.dataDir, 'audit.jsonl')));
}
