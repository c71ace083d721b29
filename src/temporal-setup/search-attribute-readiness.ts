import { createCommands, inspectSearchAttributes, isTransient, type NamespaceServices } from './search-attributes';

export interface Readiness {
  ready: boolean;
  /** Why not, in a sentence an operator can act on. */
  reason?: string;
}

/** Once ready, the namespace is looked at again this often (someone may remove an attribute). */
const READY_FOR_MS = 60_000;
/** While not ready, at most one look per this interval, however often the load balancer probes. */
const NOT_READY_FOR_MS = 2_000;

/**
 * The API's readiness as far as the namespace goes: every search attribute OpsLoop writes exists and is usable. The
 * worker creates them at start-up; until it has (or where only an operator may, on Temporal Cloud) a start naming
 * them would fail, so the API says so instead of taking traffic. Cached, so probes do not load the frontend.
 */
export function searchAttributeReadiness(connection: NamespaceServices, namespace: string, now: () => number = Date.now): () => Promise<Readiness> {
  let cached: { until: number; value: Readiness } | undefined;
  let inFlight: Promise<Readiness> | undefined;
  const look = async (): Promise<Readiness & { recheckSoon?: boolean }> => {
    try {
      const status = await inspectSearchAttributes(connection, namespace);
      if (status.conflicts.length > 0) return { ready: false, reason: `search attributes with another type: ${status.conflicts.map((c) => c.name).join(', ')}` };
      if (status.missing.length > 0) {
        return { ready: false, reason: `search attributes missing: ${status.missing.join(', ')} (the worker creates them; on Temporal Cloud: ${createCommands(namespace, status.missing).tcld})` };
      }
      if (!status.usable) return { ready: false, reason: 'search attributes created but not yet usable' };
      return { ready: true };
    } catch (err) {
      // Once ready, a busy or briefly unreachable frontend says nothing about the attributes: a probe failing then would
      // take every replica out of the load balancer at once, just when the cluster is under load.
      if (cached?.value.ready && isTransient(err)) return { ...cached.value, recheckSoon: true };
      return { ready: false, reason: `could not read the namespace's search attributes: ${err instanceof Error ? err.message : String(err)}` };
    }
  };
  return async () => {
    if (cached && now() < cached.until) return cached.value;
    inFlight ??= look().then(({ recheckSoon, ...value }: Readiness & { recheckSoon?: boolean }) => {
      cached = { until: now() + (value.ready && !recheckSoon ? READY_FOR_MS : NOT_READY_FOR_MS), value };
      inFlight = undefined;
      return value;
    });
    return inFlight;
  };
}
