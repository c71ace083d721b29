import { Connection } from '@temporalio/client';

/** The gRPC health service name each Temporal service reports (service/{frontend,history,matching}/handler.go). */
export const HEALTH_SERVICE = {
  frontend: 'temporal.api.workflowservice.v1.WorkflowService',
  history: 'temporal.api.workflowservice.v1.HistoryService',
  matching: 'temporal.api.workflowservice.v1.MatchingService',
} as const;

const SERVING = 1;
const POLL_MS = 250;

/**
 * Resolves once the service on `address` reports SERVING on its gRPC health endpoint. History turns SERVING only after
 * it has acquired its shards (plus a few seconds), which is what a restarted history needs before it can work.
 */
export async function untilServing(address: string, service: keyof typeof HEALTH_SERVICE, isDead: () => boolean): Promise<void> {
  const connection = Connection.lazy({ address });
  try {
    for (;;) {
      if (isDead()) throw new Error(`${service} exited`);
      const status = await connection
        .withDeadline(Date.now() + 1000, () => connection.healthService.check({ service: HEALTH_SERVICE[service] }))
        .then((r) => Number(r.status))
        .catch(() => undefined);
      if (status === SERVING) return;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    await connection.close();
  }
}

/** Resolves once `url` answers 200. */
export async function untilHttpOk(url: string, isDead: () => boolean): Promise<void> {
  for (;;) {
    if (isDead()) throw new Error(`the process serving ${url} exited`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
