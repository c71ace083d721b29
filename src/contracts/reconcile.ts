// Workflow-safe: plain types and functions only, imported by the reconcile workflow, activities and clients.

/**
 * Where the reconcile schedule has read up to: every incident whose (sys_updated_on, sys_id) is at or before this
 * has been delivered. Without `sysId`, every incident updated at or before `sysUpdatedOn`.
 */
export interface ReconcileCursor {
  /** ServiceNow's UTC "YYYY-MM-DD HH:mm:ss". */
  sysUpdatedOn: string;
  sysId?: string;
}

export interface ReconcileInput {
  /** How far back the first run looks (a run with no cursor from a previous one); the schedule's argument. */
  lookbackMinutes: number;
  /** Incidents changed within this many seconds of now are left to the next run (default 60). */
  settleSeconds?: number;
  /** Rows asked for per Table API request (default 100). */
  pageSize?: number;
  /** Pages read per run at most; the next run goes on from the cursor (default 50). */
  maxPages?: number;
}

export interface ReconcileResult {
  seen: number;
  accepted: number;
  /** Absent from runs recorded before the cursor existed. */
  cursor?: ReconcileCursor;
}

/** A time as ServiceNow stores and compares it: UTC "YYYY-MM-DD HH:mm:ss". */
export const serviceNowTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

/** The cursor a previous run's result carries, if it is one. */
export function cursorOf(result: unknown): ReconcileCursor | undefined {
  const cursor = (result as { cursor?: unknown } | undefined)?.cursor as Partial<ReconcileCursor> | undefined;
  if (typeof cursor?.sysUpdatedOn !== 'string') return undefined;
  return typeof cursor.sysId === 'string' ? { sysUpdatedOn: cursor.sysUpdatedOn, sysId: cursor.sysId } : { sysUpdatedOn: cursor.sysUpdatedOn };
}
