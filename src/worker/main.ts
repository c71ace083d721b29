import { readFileSync } from 'node:fs';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createServiceNowClient } from '../clients/servicenow/client';
import { createDevOpsAgentInvestigator } from '../clients/agent/devops-agent';
import { noInvestigator } from '../clients/agent/no-investigator';
import { createSlackClient } from '../clients/slack/client';
import { loadOrExit, loadWorkerConfig } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createLogger } from '../log';
import { createWorker } from './create-worker';
import { createOpsLoopWorkflows } from '../temporal-client/opsloop-workflows';
import { ensureReconcileSchedule } from '../temporal-client/reconcile-schedule';
import { investigationSettings } from './settings';
import { createAuditStore } from '../audit/create-audit-store';
import { dataDir } from '../local/data-dir';
import { createPolicyStore } from '../policy/policy-store';
import { reloadPolicyOnSighup } from '../policy/reload-on-sighup';
import { loadCatalog } from '../runbook/load-catalog';
import { ensureSearchAttributes } from '../temporal-setup/search-attributes';

/** Maps our pino level onto the SDK's logger, which knows fewer levels. */
function sdkLogLevel(level: string): LogLevel {
  if (level === 'trace' || level === 'debug') return level.toUpperCase() as LogLevel;
  if (level === 'info') return 'INFO';
  if (level === 'warn') return 'WARN';
  return 'ERROR';
}

async function main(): Promise<void> {
  const cfg = loadOrExit(() => loadWorkerConfig());
  const log = createLogger({ level: cfg.LOG_LEVEL, name: 'opsloop-worker' });
  Runtime.install({
    logger: new DefaultLogger(sdkLogLevel(cfg.LOG_LEVEL)),
    telemetryOptions: cfg.OPSLOOP_WORKER_METRICS_ADDRESS
      ? { metrics: { prometheus: { bindAddress: cfg.OPSLOOP_WORKER_METRICS_ADDRESS }, globalTags: { service: 'opsloop-worker' } } }
      : undefined,
  });
  const policy = createPolicyStore({ file: cfg.OPSLOOP_POLICY_FILE });
  const catalog = loadCatalog(cfg.OPSLOOP_ACTIONS_FILE);
  reloadPolicyOnSighup(policy, log);
  const audit = await createAuditStore({ databaseUrl: cfg.DATABASE_URL, dataDir: dataDir(cfg.OPSLOOP_DATA_DIR) });
  const connection = await NativeConnection.connect(temporalConnectionOptions(cfg));
  await ensureSearchAttributes(connection, cfg.TEMPORAL_NAMESPACE, { log: (fields, msg) => log.info(fields, msg) });
  const workflows = createOpsLoopWorkflows(new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE }), cfg.TEMPORAL_TASK_QUEUE);
  const activities = createActivities({
    servicenow: createServiceNowClient({
      instanceUrl: cfg.SERVICENOW_INSTANCE_URL,
      username: cfg.SERVICENOW_USERNAME,
      password: cfg.SERVICENOW_PASSWORD,
      timeoutMs: cfg.SERVICENOW_TIMEOUT_MS,
    }),
    slack: createSlackClient({ token: cfg.SLACK_BOT_TOKEN, apiUrl: cfg.SLACK_API_URL }),
    investigator: cfg.AGENT_WEBHOOK_URL
      ? createDevOpsAgentInvestigator({
          webhookUrl: cfg.AGENT_WEBHOOK_URL,
          secret: cfg.AGENT_WEBHOOK_SECRET ?? '',
          auth: cfg.AGENT_AUTH,
          timeoutMs: 10_000,
        })
      : noInvestigator,
    settings: investigationSettings(cfg),
    policy,
    audit,
    env: process.env,
    subscriptions: () => catalog.notifications,
    catalog: () => catalog,
    workflows,
  });
  const worker = await createWorker({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    activities,
    maxCachedWorkflows: cfg.OPSLOOP_MAX_CACHED_WORKFLOWS,
    workflowBundle: cfg.OPSLOOP_WORKFLOW_BUNDLE ? { code: readFileSync(cfg.OPSLOOP_WORKFLOW_BUNDLE, 'utf8') } : undefined,
  });
  if (cfg.OPSLOOP_RECONCILE_INTERVAL_MS > 0) {
    const schedule = await ensureReconcileSchedule(workflows.client, cfg.TEMPORAL_TASK_QUEUE, cfg.OPSLOOP_RECONCILE_INTERVAL_MS);
    log.info({ schedule, everyMs: cfg.OPSLOOP_RECONCILE_INTERVAL_MS }, 'reconcile schedule ready');
  }
  log.info({ address: cfg.TEMPORAL_ADDRESS, namespace: cfg.TEMPORAL_NAMESPACE, taskQueue: cfg.TEMPORAL_TASK_QUEUE }, 'worker running');
  // The SDK's Runtime shuts workers down on SIGINT/SIGTERM; run() resolves once in-flight work has drained.
  await worker.run();
  await connection.close();
  await audit.close();
  log.info('worker stopped');
}

main().catch((err: unknown) => {
  process.stderr.write(`opsloop worker failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
