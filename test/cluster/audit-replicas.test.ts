import { createPostgresAuditStore } from '../../src/audit/postgres-store';
import { createScratchDatabase } from '../helpers/scratch-database';

describe('the PostgreSQL audit trail shared by replicas', () => {
  it('lets several processes start at once on a fresh database: each runs the migration, none fails', async () => {
    for (let round = 0; round < 3; round++) {
      const db = await createScratchDatabase('opsloop_audit_race');
      try {
        const starts = await Promise.allSettled(Array.from({ length: 4 }, () => createPostgresAuditStore(db.url)));
        const stores = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
        try {
          expect(starts.map((s) => (s.status === 'rejected' ? String(s.reason) : 'started'))).toEqual(['started', 'started', 'started', 'started']);
          // One table, written by one and read by another.
          await stores[0]!.append({ eventId: `race-${round}`, at: new Date().toISOString(), source: 'webhook', action: 'resolve', result: 'accepted' });
          expect((await stores[3]!.list({})).map((e) => e.eventId)).toEqual([`race-${round}`]);
        } finally {
          await Promise.all(stores.map((s) => s.close()));
        }
      } finally {
        await db.drop();
      }
    }
  });
});
