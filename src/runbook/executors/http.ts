import type { ActionResult, ExecutionPlan } from '../../contracts/runbook';
import { NetworkError, TimeoutError } from '../../clients/errors';
import { excerpt } from './truncate';

type HttpPlan = Extract<ExecutionPlan, { type: 'http' }>;

/** `${NAME}` in a header template names an environment variable of the worker; only named ones are read. */
export function resolveHeaders(templates: Record<string, string>, env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(templates).map(([k, v]) => [k, v.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_m, name: string) => env[name] ?? '')]));
}

/**
 * Calls the automation endpoint. A wrong status is a result (the action ran and failed); a network error or
 * timeout is thrown, so idempotent methods can be retried by Temporal.
 */
export async function runHttp(plan: HttpPlan, timeoutMs: number, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<ActionResult> {
  const started = Date.now();
  let response: Response;
  try {
    response = await fetch(plan.url, {
      method: plan.method,
      headers: { ...(plan.body !== undefined ? { 'content-type': 'application/json' } : {}), ...resolveHeaders(plan.headers, env) },
      body: plan.body,
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'TimeoutError') throw new TimeoutError(`${plan.method} ${plan.url} timed out after ${timeoutMs} ms`, 'runbook http');
    throw new NetworkError(`${plan.method} ${plan.url} failed: ${(err as Error).message}`, 'runbook http');
  }
  const text = await response.text().catch(() => '');
  const ok = plan.expectStatus.includes(response.status);
  return {
    ok,
    code: response.status,
    durationMs: Date.now() - started,
    excerpt: excerpt(text),
    summary: ok ? `${plan.method} answered ${response.status}` : `${plan.method} answered ${response.status}, expected ${plan.expectStatus.join('/')}`,
  };
}
