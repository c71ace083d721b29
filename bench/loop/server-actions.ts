/**
 * The Temporal server's own `action` counter (Prometheus, frontend service), by `action_type`: what the server meters
 * as it serves requests, including what no history shows (Activity Heartbeats, Queries, rejected Updates). It counts
 * every RecordMarker batch and every upsert, the TemporalChangeVersion ones included, which Temporal Cloud does not
 * bill; see https://docs.temporal.io/cloud/migrate/estimate-actions.
 */
export async function readServerActions(metricsUrl: string, namespace = 'default'): Promise<Record<string, number>> {
  // The server's reporter publishes counters about once a second: wait for what was just done to show.
  await new Promise((resolve) => setTimeout(resolve, METRICS_SETTLE_MS));
  const response = await fetch(metricsUrl);
  if (!response.ok) throw new Error(`GET ${metricsUrl} answered ${response.status}`);
  return parseActionCounter(await response.text(), namespace);
}

const METRICS_SETTLE_MS = 2_500;

/** Sums `action{…,action_type="x",…} n` lines of the frontend service and one namespace by type; other lines are ignored. */
export function parseActionCounter(text: string, namespace: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^action\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = match[1]!;
    if (!labels.includes('service_name="frontend"') || !labels.includes(`namespace="${namespace}"`)) continue;
    const type = /action_type="([^"]*)"/.exec(labels)?.[1] ?? 'unknown';
    out[type] = (out[type] ?? 0) + Number(match[2]);
  }
  return out;
}

/** What was counted between two readings, by type (types that did not move left out). */
export function actionsBetween(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [type, n] of Object.entries(after)) {
    const delta = n - (before[type] ?? 0);
    if (delta > 0) out[type] = delta;
  }
  return out;
}
