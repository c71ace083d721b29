import { Client, Connection } from '@temporalio/client';
import { loadApiConfig, loadOrExit } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createLogger } from '../log';
import { createAuditStore } from '../audit/create-audit-store';
import { dataDir } from '../local/data-dir';
import { createGroupResolver } from '../policy/group-resolver';
import { createPolicyStore } from '../policy/policy-store';
import { reloadPolicyOnSighup } from '../policy/reload-on-sighup';
import { createApp } from './app';
import { createApiSlack } from './slack/slack-web';
import { loadCatalog } from '../runbook/load-catalog';
import { createResponder } from './respond';
import { createWorkflowGateway } from './workflow-gateway';
import { searchAttributeReadiness } from '../temporal-setup/search-attribute-readiness';

const present = (...values: (string | undefined)[]): string[] => values.filter((v): v is string => Boolean(v));

async function main(): Promise<void> {
  const cfg = loadOrExit(() => loadApiConfig());
  const logger = createLogger({ level: cfg.LOG_LEVEL, name: 'opsloop-api' });
  // Connect before listening: Slack's 3 s budget has no room for a first connection.
  const policy = createPolicyStore({ file: cfg.OPSLOOP_POLICY_FILE });
  const catalog = loadCatalog(cfg.OPSLOOP_ACTIONS_FILE);
  reloadPolicyOnSighup(policy, logger);
  const audit = await createAuditStore({ databaseUrl: cfg.DATABASE_URL, dataDir: dataDir(cfg.OPSLOOP_DATA_DIR) });
  const slack = cfg.SLACK_BOT_TOKEN ? createApiSlack({ token: cfg.SLACK_BOT_TOKEN, apiUrl: cfg.SLACK_API_URL }) : undefined;
  if (!slack) logger.warn('SLACK_BOT_TOKEN is not set for the API: modals are off and policy user groups grant nothing');
  const connection = await Connection.connect(temporalConnectionOptions(cfg));
  const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
  const app = createApp({
    gateway: createWorkflowGateway(client, cfg.TEMPORAL_TASK_QUEUE),
    slackSigningSecrets: present(cfg.SLACK_SIGNING_SECRET, cfg.SLACK_PREVIOUS_SIGNING_SECRET),
    serviceNowWebhookSecrets: present(cfg.SERVICENOW_WEBHOOK_SECRET),
    agentCallbackSecrets: present(cfg.AGENT_CALLBACK_SECRET),
    respond: createResponder(),
    policy,
    catalog: () => catalog,
    audit,
    slack,
    groupsOf: createGroupResolver(() => policy.current(), slack?.groupMembers),
    namespaceReady: searchAttributeReadiness(connection, cfg.TEMPORAL_NAMESPACE),
    ready: () =>
      connection.withDeadline(Date.now() + 1000, async () => {
        await connection.workflowService.getSystemInfo({});
        return true;
      }),
    logger,
  });
  const server = app.listen(cfg.PORT, () => {
    logger.info({ port: cfg.PORT, temporal: cfg.TEMPORAL_ADDRESS }, 'api listening');
  });
  const stop = () => {
    server.close(() => {
      void Promise.all([connection.close(), audit.close()]).finally(() => process.exit(0));
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`opsloop api failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
