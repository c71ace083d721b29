import type { Catalog } from './catalog-schema';

const SANDBOX_SERVICES = ['payments-api', 'checkout-api', 'orders-db'];

/**
 * What `npm start` offers to run: a ping of the sandbox itself, and a pretend `restart-service` and
 * `rollback-deployment` (Node one-liners that print what they would do). The `proposals:` rules map the sandbox
 * agent's mitigation plans to them ("Restart the `payments-api` service …", "Roll back the latest `checkout-api`
 * deployment …"), so the demo shows an agent-proposed remediation end to end through the same reviewed mapping a real
 * agent's plan goes through. See runbook.example.yaml for real catalogs.
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
      params: [{ name: 'service', type: 'enum', values: SANDBOX_SERVICES }],
      role: 'operator',
      approval: 'one',
      approvalExpiryMs: 3_600_000,
      timeoutMs: 10_000,
      executor: { type: 'command', executable: node, args: ['-e', 'console.log("sandbox: restarted " + process.argv[1])', '{service}'], env: [], safeToRetry: false },
    },
    {
      name: 'rollback-deployment',
      description: "Roll back a service's latest deployment (sandbox: only prints what it would roll back)",
      params: [{ name: 'service', type: 'enum', values: SANDBOX_SERVICES }],
      role: 'operator',
      approval: 'two',
      approvalExpiryMs: 3_600_000,
      timeoutMs: 10_000,
      executor: { type: 'command', executable: node, args: ['-e', 'console.log("sandbox: rolled back the latest deployment of " + process.argv[1])', '{service}'], env: [], safeToRetry: false },
    },
  ],
  proposals: [
    {
      name: 'restart-named-service',
      description: 'The plan says to restart a service: restart the one it names, if the action knows it',
      match: 'restart the `(?<service>[a-z0-9-]+)` service',
      ignoreCase: true,
      action: 'restart-service',
      params: { service: '{match.service}' },
    },
    {
      name: 'roll-back-incident-ci',
      description: "The plan says to roll back the latest deployment: roll back the incident's configuration item",
      match: 'roll back the latest `[a-z0-9-]+` deployment',
      ignoreCase: true,
      action: 'rollback-deployment',
      params: { service: '{incident.cmdbCi}' },
    },
  ],
  notifications: [],
});
