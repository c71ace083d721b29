import type { ExecutionPlan } from '../contracts/runbook';
import type { ActionDefinition, Catalog } from './catalog-schema';

const substitute = (template: string, params: Record<string, string>, encode: (v: string) => string) =>
  template.replace(/\{([a-z][a-z0-9-]*)\}/g, (whole, key: string) => (params[key] !== undefined ? encode(params[key]) : whole));

const IDEMPOTENT = ['GET', 'HEAD', 'PUT', 'DELETE'];

/** Resolves what an action will do with these (validated) parameters; pure, so a dry run shows exactly this. */
export function planAction(action: ActionDefinition, params: Record<string, string>, catalog: Pick<Catalog, 'targets'>): ExecutionPlan {
  const e = action.executor;
  switch (e.type) {
    case 'http':
      return {
        type: 'http',
        method: e.method,
        url: substitute(e.url, params, encodeURIComponent),
        headers: e.headers,
        body: e.body !== undefined ? substitute(e.body, params, (v) => JSON.stringify(v).slice(1, -1)) : undefined,
        expectStatus: e.expectStatus,
        idempotent: IDEMPOTENT.includes(e.method),
      };
    case 'command':
      return { type: 'command', executable: e.executable, argv: e.args.map((a) => substitute(a, params, (v) => v)), envNames: e.env, safeToRetry: e.safeToRetry };
    case 'ping': {
      const target = params.target ?? '';
      const check = catalog.targets[target];
      if (!check) throw new Error(`unknown target ${target}`);
      return { type: 'ping', target, check };
    }
  }
}

export function describePlan(plan: ExecutionPlan): string {
  switch (plan.type) {
    case 'http':
      return `${plan.method} ${plan.url}`;
    case 'command':
      return [plan.executable, ...plan.argv].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
    case 'ping':
      return 'url' in plan.check ? `GET ${plan.check.url} (${plan.target})` : `TCP ${plan.check.host}:${plan.check.port} (${plan.target})`;
  }
}
