import { DEFAULT_ROUTE } from '../policy/route-for';

/** How many decisions wait, by the incident's route and priority (`route\u0000priority` → count). */
export type PendingDecisionCounts = Map<string, number>;

/** Reads the decisions waiting now (the gateway's `pendingDecisions`, from Temporal's visibility). */
export type ListPendingDecisions = () => Promise<PendingDecisionCounts>;

const SEPARATOR = '\u0000';
export const pendingKey = (route: string, priority: string) => `${route}${SEPARATOR}${priority}`;
export const labelsOfPendingKey = (key: string) => {
  const [route = DEFAULT_ROUTE, priority = 'unknown'] = key.split(SEPARATOR);
  return { route, priority };
};

export interface CachedPendingDecisions {
  /** The counts at most `ttlMs` old; after a failed read, the last counts read (`fresh: false`). */
  read(): Promise<{ counts: PendingDecisionCounts; fresh: boolean }>;
}

/**
 * One visibility read per `ttlMs` however often Prometheus (or several) scrape; concurrent scrapes share the read in
 * flight. A failed read is not retried before `ttlMs` either: a struggling visibility store gets no scrape storm.
 */
export function cachePendingDecisions(list: ListPendingDecisions, options: { ttlMs: number; now?: () => number; onError?: (err: unknown) => void }): CachedPendingDecisions {
  const now = options.now ?? Date.now;
  let last: PendingDecisionCounts = new Map();
  let lastFresh = false;
  let readAt = -Infinity;
  let inFlight: Promise<void> | undefined;
  const refresh = async () => {
    try {
      last = await list();
      lastFresh = true;
    } catch (err) {
      lastFresh = false;
      options.onError?.(err);
    } finally {
      readAt = now();
      inFlight = undefined;
    }
  };
  return {
    async read() {
      if (now() - readAt >= options.ttlMs) await (inFlight ??= refresh());
      return { counts: last, fresh: lastFresh };
    },
  };
}
