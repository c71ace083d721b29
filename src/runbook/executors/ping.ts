import { connect } from 'node:net';
import type { ActionResult, ExecutionPlan } from '../../contracts/runbook';

type PingPlan = Extract<ExecutionPlan, { type: 'ping' }>;

const label = (target: string) => target.toUpperCase();

/** "UAT is healthy": an HTTP 2xx from the target's health URL, or a TCP connection to its port. */
export async function runPing(plan: PingPlan, timeoutMs: number): Promise<ActionResult> {
  const started = Date.now();
  const result = (ok: boolean, detail: string, code?: number): ActionResult => ({
    ok,
    code,
    durationMs: Date.now() - started,
    excerpt: detail,
    summary: `${label(plan.target)} is ${ok ? 'healthy' : 'NOT healthy'} (${detail})`,
  });
  if ('url' in plan.check) {
    try {
      const res = await fetch(plan.check.url, { signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer();
      return result(res.ok, `HTTP ${res.status} in ${Date.now() - started} ms`, res.status);
    } catch (err) {
      return result(false, (err as { name?: string }).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err as Error).message);
    }
  }
  const { host, port } = plan.check;
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(result(true, `TCP ${host}:${port} accepted in ${Date.now() - started} ms`));
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(result(false, `TCP ${host}:${port}: no answer within ${timeoutMs} ms`));
    });
    socket.once('error', (err) => resolve(result(false, `TCP ${host}:${port}: ${err.message}`)));
  });
}
