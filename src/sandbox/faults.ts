import type { RequestHandler } from 'express';

/** A misbehaviour a fake applies to the next `times` matching requests. */
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
  /** How many requests this applies to; default 1. */
  times?: number;
  body?: unknown;
}

interface Armed extends Fault {
  route: string;
  remaining: number;
}

export type Faults = ReturnType<typeof createFaults>;

/**
 * Fault switches keyed by route name (e.g. "PATCH incident", "chat.postMessage", or "*" for every route).
 * Tests arm them; the fakes consult them before serving each request.
 */
export function createFaults() {
  const armed: Armed[] = [];
  return {
    add(route: string, fault: Fault): void {
      armed.push({ ...fault, route, remaining: fault.times ?? 1 });
    },
    clear(): void {
      armed.length = 0;
    },
    /** Takes one use of a fault a fake applies itself (after serving), if one is armed for the route. */
    consume(route: string): Fault | undefined {
      const fault = armed.find((f) => f.route === route && f.remaining > 0);
      if (fault) fault.remaining -= 1;
      return fault;
    },
    middleware(route: string, defaultBody: (status: number) => unknown): RequestHandler {
      return (_req, res, next) => {
        const fault = armed.find((f) => (f.route === route || f.route === '*') && f.remaining > 0);
        if (!fault) {
          next();
          return;
        }
        fault.remaining -= 1;
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
