import type { AuditStore } from './audit-store';
import { createJsonlAuditStore } from './jsonl-store';
import { createPostgresAuditStore } from './postgres-store';

/**
 * PostgreSQL when DATABASE_URL is set, else JSON-lines files in the data folder, where `writer` (`api`, `worker`)
 * names this process's own file: one API and one worker may share the folder, a second of either may not.
 */
export function createAuditStore(options: { databaseUrl?: string; dataDir: string; writer: 'api' | 'worker' }): Promise<AuditStore> {
  return options.databaseUrl ? createPostgresAuditStore(options.databaseUrl) : Promise.resolve(createJsonlAuditStore(options.dataDir, options.writer));
}
