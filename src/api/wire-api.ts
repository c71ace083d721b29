import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import type { AuditStore } from '../audit/audit-store';
import { createAuditStore } from '../audit/create-audit-store';
import { dataDir } from '../config/data-dir';
import type { ApiConfig } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';
import type { Logger } from '../log';
import { createOnCallProvider, onCallConfigFrom } from '../clients/oncall/on-call-provider';
import { onCallTargetOf } from '../policy/route-for';
import { createGroupResolver } from '../policy/group-resolver';
import { createPolicyStore, type PolicyStore } from '../policy/policy-store';
import { loadCatalog } from '../runbook/load-catalog';
import { createApp } from './app';
import { createResponder } from './respond';
import { createApiSlack } from './slack/slack-web';
import { searchAttributeReadiness } from '../temporal-setup/search-attribute-readiness';
import { createWorkflowGateway, type WorkflowGateway } from './workflow-gateway';

export interface ApiOverrides {
  /** Replaces the gateway (tests: one whose Temporal is unreachable). */
  gateway?: (client: Client, taskQueue: string) => WorkflowGateway;
}

/** The API's app built from configuration, with what it opened; `close()` once the server stopped listening. */
export interface WiredApi {
  app: Express;
  policy: PolicyStore;
  audit: AuditStore;
  close: () => Promise<void>;
}

/** `/ops oncall` asks PagerDuty within Slack's 3 s acknowledgement. */
const ON_CALL_TIMEOUT_MS = 2_000;

const present = (...values: (string | undefined)[]): string[] => values.filter((v): v is string => Boolean(v));

/**
 * The one place the API is assembled from a validated configuration: policy, catalog, audit store, Slack, the
 * Temporal connection (made before listening: Slack's 3 s budget has no room for a first connection) and the app.
 */
export async function wireApi(cfg: ApiConfig, logger: Logger, overrides: ApiOverrides = {}): Promise<WiredApi> {
  const policy = createPolicyStore({ file: cfg.OPSLOOP_POLICY_FILE });
  const catalog = loadCatalog(cfg.OPSLOOP_ACTIONS_FILE);
  const audit = await createAuditStore({ databaseUrl: cfg.DATABASE_URL, dataDir: dataDir(cfg.OPSLOOP_DATA_DIR), writer: 'api' });
  const slack = cfg.SLACK_BOT_TOKEN ? createApiSlack({ token: cfg.SLACK_BOT_TOKEN, apiUrl: cfg.SLACK_API_URL }) : undefined;
  if (!slack) logger.warn('SLACK_BOT_TOKEN is not set for the API: modals are off and policy user groups grant nothing');
  const connection = await Connection.connect(temporalConnectionOptions(cfg)).catch(async (err: unknown) => {
    await audit.close();
    throw err;
  });
  const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
  const app = createApp({
    gateway: (overrides.gateway ?? createWorkflowGateway)(client, cfg.TEMPORAL_TASK_QUEUE),
    slackSigningSecrets: present(cfg.SLACK_SIGNING_SECRET, cfg.SLACK_PREVIOUS_SIGNING_SECRET),
    serviceNowWebhookSecrets: present(cfg.SERVICENOW_WEBHOOK_SECRET),
    agentCallbackSecrets: present(cfg.AGENT_CALLBACK_SECRET),
    agentEventsKeys: present(cfg.AWS_DEVOPS_AGENT_EVENTS_KEY),
    respond: createResponder(),
    policy,
    catalog: () => catalog,
    audit,
    slack,
    onCall: {
      provider: createOnCallProvider(onCallConfigFrom(cfg, ON_CALL_TIMEOUT_MS)),
      resolveOnCall: (route, level) => onCallTargetOf(policy.current(), route, level),
      routeNames: () => policy.current().routes.filter((r) => r.oncall).map((r) => r.name),
    },
    groupsOf: createGroupResolver(() => policy.current(), slack?.groupMembers),
    namespaceReady: searchAttributeReadiness(connection, cfg.TEMPORAL_NAMESPACE),
    ready: () =>
      connection.withDeadline(Date.now() + 1000, async () => {
        await connection.workflowService.getSystemInfo({});
        return true;
      }),
    logger,
  });
  return {
    app,
    policy,
    audit,
    async close() {
      await Promise.all([connection.close(), audit.close()]);
    },
  };
}
