import type { Catalog } from './catalog-schema';

/**
 * What `npm start` offers to run: a ping of the sandbox itself, and a pretend `restart-service` (a Node one-liner
 * that prints what it would restart) that the sandbox agent proposes for some incidents, so the demo shows an
 * agent-proposed remediation end to end. See runbook.example.yaml for real catalogs.
 */
export const sandboxCatalog = (healthUrl: string, node: string = process.execPath): Catalog => ({
  version: 1,
  allowedExecutables: [node],
  targets: { sandbox: { url: healthUrl } },
  actions: [
    {
      name: 'ping',
      description: 'Health check of a named environment',
      params: [{ name: 'target', type: 'enum', values: ['*targets'] }],
      role: 'viewer',
      approval: 'none',
      approvalExpiryMs: 3_600_000,
      timeoutMs: 10_000,
      executor: { type: 'ping' },
    },
    {
      name: 'restart-service',
      description: 'Restart a service (sandbox: only prints what it would restart)',
      params: [{ name: 'service', type: 'enum', values: ['payments-api', 'checkout-api', 'orders-db'] }],
      role: 'operator',
      approval: 'one',
      approvalExpiryMs: 3_600_000,
      timeoutMs: 10_000,
      executor: { type: 'command', executable: node, args: ['-e', 'console.log("sandbox: restarted " + process.argv[1])', '{service}'], env: [], safeToRetry: false },
    },
  ],
  notifications: [],
});
