import type { Catalog } from './catalog-schema';

/** What `npm start` offers to run: a ping of the sandbox itself (see runbook.example.yaml for real catalogs). */
export const sandboxCatalog = (healthUrl: string): Catalog => ({
  version: 1,
  allowedExecutables: [],
  targets: { sandbox: { url: healthUrl } },
  actions: [
    {
      name: 'ping',
      description: 'Health check of a named environment',
      params: [{ name: 'target', type: 'enum', values: ['*targets'] }],
      role: 'viewer',
      approval: 'none',
      timeoutMs: 10_000,
      executor: { type: 'ping' },
    },
  ],
  notifications: [],
});
