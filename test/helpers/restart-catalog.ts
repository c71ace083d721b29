import type { Catalog } from '../../src/runbook/catalog-schema';

/**
 * A catalog whose `restart-service` the sandbox agent proposes for payments-api incidents: by name, or through the
 * `proposals:` rule that maps its mitigation plan's "Restart the `<service>` service" line.
 */
export const restartCatalog = (): Catalog => ({
  version: 1,
  allowedExecutables: [process.execPath],
  targets: {},
  actions: [
    {
      name: 'restart-service',
      description: 'Restart a service',
      params: [{ name: 'service', type: 'enum', values: ['payments-api', 'checkout-api'] }],
      role: 'operator',
      approval: 'one',
      approvalExpiryMs: 3_600_000,
      timeoutMs: 5000,
      executor: { type: 'command', executable: process.execPath, args: ['-e', 'console.log("restarted " + process.argv[1])', '{service}'], env: [], safeToRetry: false },
    },
  ],
  proposals: [{ name: 'restart-named-service', match: 'restart the `(?<service>[a-z0-9-]+)` service', ignoreCase: true, action: 'restart-service', params: { service: '{match.service}' } }],
  notifications: [],
});
