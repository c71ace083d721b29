import type { Request, RequestHandler } from 'express';

/** A misbehaviour a fake applies to the next `times` matching requests (or, with `probability`, to some of them). */
export interface Fault {
  /** Answer with this status (e.g. 503, 429) instead of serving the request. */
  status?: number;
  /** Sent as Retry-After (seconds) with the status. */
  retryAfterSeconds?: number;
  /** Delay before serving (or failing) the request. */
  delayMs?: number;
  /** Never answer (until the fake closes). */
  hang?: boolean;
  /** Serve the request, then drop the connection instead of answering (only where a fake supports it). */
  dropResponse?: boolean;
  /** How many requests this applies to; default 1, or unlimited with `probability`. */
  times?: number;
  /** Applies to each matching request with this chance (0–1) instead of to every one, e.g. 0.05 for a soak. */
  probability?: number;
  body?: unknown;
}

/** A fault a fake actually applied: which route, which switch, when, and to what request (path and parsed body). */
export interface AppliedFault {
  route: string;
  fault: Fault;
  at: number;
  path: string;
  body: unknown;
}

interface Armed extends Fault {
  route: string;
  remaining: number;
}

export type Faults = ReturnType<typeof createFaults>;

/**
 * Fault switches keyed by route name (e.g. "PATCH incident", "chat.postMessage", or "*" for every route).
 * Tests arm them; the fakes consult them before serving each request and keep every fault they applied in `applied`.
 * `random` decides probabilistic faults (a seeded source makes a run repeatable).
 */
export function createFaults(random: () => number = Math.random) {
  const armed: Armed[] = [];
  const applied: AppliedFault[] = [];
  const take = (route: string, matches: (f: Armed) => boolean, req?: Request): Armed | undefined => {
    for (const fault of armed) {
      if (fault.remaining <= 0 || !matches(fault)) continue;
      if (fault.probability !== undefined && random() >= fault.probability) continue;
      fault.remaining -= 1;
      applied.push({ route, fault, at: Date.now(), path: req?.path ?? '', body: req?.body as unknown });
      return fault;
    }
    return undefined;
  };
  return {
    applied,
    add(route: string, fault: Fault): void {
      armed.push({ ...fault, route, remaining: fault.times ?? (fault.probability !== undefined ? Infinity : 1) });
    },
    clear(): void {
      armed.length = 0;
    },
    /** Takes one use of a fault a fake applies itself (after serving), if one is armed for the route. */
    consume(route: string): Fault | undefined {
      return take(route, (f) => f.route === route);
    },
    middleware(route: string, defaultBody: (status: number) => unknown): RequestHandler {
      return (req, res, next) => {
        const fault = take(route, (f) => f.route === route || f.route === '*', req);
        if (!fault) {
          next();
          return;
        }
        if (fault.hang) return; // the socket is destroyed when the fake closes
        const act = () => {
          if (fault.status === undefined) {
            next();
            return;
          }
          if (fault.retryAfterSeconds !== undefined) res.set('Retry-After', String(fault.retryAfterSeconds));
          res.status(fault.status).json(fault.body ?? defaultBody(fault.status));
        };
        if (fault.delayMs) setTimeout(act, fault.delayMs);
        else act();
      };
    },
  };
}
