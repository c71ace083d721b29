import { readFileSync } from 'node:fs';
import { Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { NativeConnection, type Worker, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { AuditStore } from '../audit/audit-store';
import { createAuditStore } from '../audit/create-audit-store';
import { createInvestigator } from '../clients/agent/create-investigator';
import { createOnCallProvider, onCallConfigFrom } from '../clients/oncall/on-call-provider';
import { onCallTargetOf } from '../policy/route-for';
import { createServiceNowClient } from '../clients/servicenow/client';
import { oncePerChannel } from '../clients/slack/channel-access';
import { createSlackClient } from '../clients/slack/client';
import { dataDir } from '../config/data-dir';
import type { WorkerConfig } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createPolicyStore, type PolicyStore } from '../policy/policy-store';
import { loadCatalog } from '../runbook/load-catalog';
import { createOpsLoopWorkflows } from '../temporal-client/opsloop-workflows';
import { ensureSearchAttributes } from '../temporal-setup/search-attributes';
import { createWorker } from './create-worker';
import { investigationSettings } from './settings';

export interface WorkerOverrides {
  /** A bundle built once per run (tests); otherwise OPSLOOP_WORKFLOW_BUNDLE, else bundled from source at start. */
  workflowBundle?: WorkflowBundle;
  shutdownGraceTime?: Duration;
  /** Cuts each Slack and agent call after this long (default 10 s; ServiceNow's is SERVICENOW_TIMEOUT_MS). */
  httpTimeoutMs?: number;
  /** Told when the worker had to create search attributes on the namespace. */
  log?: (fields: Record<string, unknown>, message: string) => void;
  /** Told once per Slack channel that refuses the bot, with what to do (`/invite @OpsLoop`). */
  warn?: (fields: Record<string, unknown>, message: string) => void;
}

/** A worker built from configuration, with what it opened; `close()` after `worker.run()` has resolved. */
export interface WiredWorker {
  worker: Worker;
  /** The worker's own Temporal client, on the worker's connection (the reconcile schedule, the workflows activities start). */
  client: Client;
  policy: PolicyStore;
  audit: AuditStore;
  close: () => Promise<void>;
}

const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

/**
 * The one place a worker is assembled from a validated configuration: clients, policy, catalog, audit store,
 * activities and the Temporal worker. `npm run worker`, `npm start` (through it) and the in-process test stack all
 * come here, so they differ only in their configuration.
 */
export async function wireWorker(cfg: WorkerConfig, overrides: WorkerOverrides = {}): Promise<WiredWorker> {
  const policy = createPolicyStore({ file: cfg.OPSLOOP_POLICY_FILE });
  const catalog = loadCatalog(cfg.OPSLOOP_ACTIONS_FILE);
  const audit = await createAuditStore({ databaseUrl: cfg.DATABASE_URL, dataDir: dataDir(cfg.OPSLOOP_DATA_DIR), writer: 'worker' });
  const httpTimeoutMs = overrides.httpTimeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  let connection: NativeConnection | undefined;
  try {
    connection = await NativeConnection.connect(temporalConnectionOptions(cfg));
    // An empty cluster has none of OpsLoop's search attributes; where the worker may not create them it stops here.
    await ensureSearchAttributes(connection, cfg.TEMPORAL_NAMESPACE, { log: overrides.log });
    const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
    const activities = createActivities({
      servicenow: createServiceNowClient({
        instanceUrl: cfg.SERVICENOW_INSTANCE_URL,
        username: cfg.SERVICENOW_USERNAME,
        password: cfg.SERVICENOW_PASSWORD,
        timeoutMs: cfg.SERVICENOW_TIMEOUT_MS,
      }),
      slack: createSlackClient({
        token: cfg.SLACK_BOT_TOKEN,
        apiUrl: cfg.SLACK_API_URL,
        timeoutMs: httpTimeoutMs,
        onChannelRefused: overrides.warn ? oncePerChannel(overrides.warn) : undefined,
      }),
      investigator: createInvestigator(cfg, httpTimeoutMs),
      settings: investigationSettings(cfg),
      policy,
      audit,
      env: process.env,
      subscriptions: () => catalog.notifications,
      catalog: () => catalog,
      workflows: createOpsLoopWorkflows(client, cfg.TEMPORAL_TASK_QUEUE),
      agentMaxConcurrent: cfg.OPSLOOP_AGENT_MAX_CONCURRENT,
      incidentCondition: cfg.SERVICENOW_INCIDENT_CONDITION,
      onCall: createOnCallProvider(onCallConfigFrom(cfg, httpTimeoutMs)),
      // Read at each page from the policy in force then: routing keys never pass through a workflow.
      resolveOnCall: (route, level) => onCallTargetOf(policy.current(), route, level),
    });
    const worker = await createWorker({
      connection,
      namespace: cfg.TEMPORAL_NAMESPACE,
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      activities,
      maxCachedWorkflows: cfg.OPSLOOP_MAX_CACHED_WORKFLOWS,
      workflowBundle: overrides.workflowBundle ?? (cfg.OPSLOOP_WORKFLOW_BUNDLE ? { code: readFileSync(cfg.OPSLOOP_WORKFLOW_BUNDLE, 'utf8') } : undefined),
      shutdownGraceTime: overrides.shutdownGraceTime,
    });
    const opened = connection;
    return {
      worker,
      client,
      policy,
      audit,
      async close() {
        await opened.close();
        await audit.close();
      },
    };
  } catch (err) {
    await connection?.close().catch(() => undefined);
    await audit.close();
    throw err;
  }
}
