import { Pool } from 'pg';
import type { AuditEvent, AuditQuery } from '../contracts/audit';
import { sanitize, type AuditStore } from './audit-store';

/** Idempotent schema migration, run at start-up. */
const MIGRATION = `
CREATE TABLE IF NOT EXISTS opsloop_audit_events (
  event_id        text PRIMARY KEY,
  at              timestamptz NOT NULL,
  source          text NOT NULL,
  action          text NOT NULL,
  actor_id        text,
  actor_name      text,
  channel_id      text,
  text            text,
  decision        text,
  incident_number text,
  workflow_id     text,
  run_id          text,
  result          text NOT NULL,
  reason          text,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS opsloop_audit_events_incident ON opsloop_audit_events (incident_number, at);
CREATE INDEX IF NOT EXISTS opsloop_audit_events_workflow ON opsloop_audit_events (workflow_id, at);
`;

interface Row {
  event_id: string;
  at: Date;
  source: AuditEvent['source'];
  action: string;
  actor_id: string | null;
  actor_name: string | null;
  channel_id: string | null;
  text: string | null;
  decision: string | null;
  incident_number: string | null;
  workflow_id: string | null;
  run_id: string | null;
  result: string;
  reason: string | null;
}

const fromRow = (r: Row): AuditEvent =>
  sanitize({
    eventId: r.event_id,
    at: r.at.toISOString(),
    source: r.source,
    action: r.action,
    actorId: r.actor_id ?? undefined,
    actorName: r.actor_name ?? undefined,
    channelId: r.channel_id ?? undefined,
    text: r.text ?? undefined,
    decision: r.decision ?? undefined,
    incidentNumber: r.incident_number ?? undefined,
    workflowId: r.workflow_id ?? undefined,
    runId: r.run_id ?? undefined,
    result: r.result,
    reason: r.reason ?? undefined,
  });

/**
 * Replicas starting together would race `CREATE TABLE IF NOT EXISTS` (the loser fails on pg_type's unique index):
 * a transaction-scoped advisory lock lets one migrate while the others wait, then find the table.
 */
const MIGRATION_LOCK = 0x6f70736c; // "opsl"

async function migrate(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(MIGRATION);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The audit trail in PostgreSQL (DATABASE_URL); `ON CONFLICT DO NOTHING` makes retried appends harmless. */
export async function createPostgresAuditStore(databaseUrl: string): Promise<AuditStore> {
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  // An idle connection the server closes (a restart, a failover, an administrator) is only dropped from the pool: the
  // next query opens a new one. Without a listener the pool's 'error' event would crash the process.
  pool.on('error', () => undefined);
  await migrate(pool).catch(async (err: unknown) => {
    await pool.end();
    throw err;
  });
  return {
    async append(event) {
      const e = sanitize(event);
      await pool.query(
        `INSERT INTO opsloop_audit_events (event_id, at, source, action, actor_id, actor_name, channel_id, text, decision, incident_number, workflow_id, run_id, result, reason)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) ON CONFLICT (event_id) DO NOTHING`,
        [e.eventId, e.at, e.source, e.action, e.actorId, e.actorName, e.channelId, e.text, e.decision, e.incidentNumber, e.workflowId, e.runId, e.result, e.reason],
      );
    },
    async list(query: AuditQuery) {
      const { rows } = await pool.query<Row>(
        `SELECT * FROM (SELECT * FROM opsloop_audit_events
           WHERE ($1::text IS NULL OR incident_number = $1) AND ($2::text IS NULL OR workflow_id = $2)
           ORDER BY at DESC, event_id DESC LIMIT $3) recent ORDER BY at, event_id`,
        [query.incidentNumber ?? null, query.workflowId ?? null, query.limit ?? 1000],
      );
      return rows.map(fromRow);
    },
    close: () => pool.end(),
  };
}
