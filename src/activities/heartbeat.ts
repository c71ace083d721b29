import { Context } from '@temporalio/activity';
import { wrapEach } from './wrap-each';

/** How often a slow call reports that its worker is alive; well under the heartbeat timeout in src/workflows/proxies.ts. */
export const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Wraps every function of an activity object so that, while a call is slower than `everyMs`, it heartbeats. With a
 * short heartbeat timeout, a worker that dies mid-call is noticed in seconds instead of after the start-to-close
 * timeout (the bench measures it as F6). Quick calls send no heartbeat at all.
 */
export function heartbeating<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T, everyMs = HEARTBEAT_EVERY_MS): T {
  return wrapEach(activities, async (call) => {
    const context = Context.current();
    const timer = setInterval(() => context.heartbeat(), everyMs);
    try {
      return await call();
    } finally {
      clearInterval(timer);
    }
  });
}
