import type { WorkerConfig } from '../config/env';
import type { WorkerSettings } from '../contracts/investigation';

/** What investigations read from the worker's configuration (the approval rule is added from the policy per incident). */
export function investigationSettings(cfg: WorkerConfig): WorkerSettings {
  return {
    slackChannel: cfg.SLACK_INCIDENT_CHANNEL,
    serviceNowUrl: cfg.SERVICENOW_INSTANCE_URL.replace(/\/+$/, ''),
    webUiNamespaceUrl: `${cfg.TEMPORAL_UI_URL.replace(/\/+$/, '')}/namespaces/${cfg.TEMPORAL_NAMESPACE}`,
    findingsTimeoutMs: cfg.OPSLOOP_FINDINGS_TIMEOUT_MS,
    agentPollIntervalMs: cfg.OPSLOOP_AGENT_POLL_INTERVAL_MS,
    approvers: [],
    reminderIntervalMs: cfg.OPSLOOP_APPROVAL_REMINDER_MS,
    expiryMs: cfg.OPSLOOP_APPROVAL_EXPIRY_MS,
    escalationTarget: cfg.OPSLOOP_ESCALATION_TARGET,
    closeCode: cfg.SERVICENOW_CLOSE_CODE,
  };
}
