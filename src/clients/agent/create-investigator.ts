import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { WorkerConfig } from '../../config/env';
import { createDevOpsAgentInvestigator } from './devops-agent';
import { createDevOpsAgentApi, defaultDevOpsAgentEndpoint } from './devops-agent-api';
import { createDevOpsAgentTaskInvestigator } from './devops-agent-task-investigator';
import type { Investigator } from './investigator';
import { noInvestigator } from './no-investigator';

type AgentConfig = Pick<
  WorkerConfig,
  | 'AWS_DEVOPS_AGENT_SPACE_ID'
  | 'AWS_DEVOPS_AGENT_ASSOCIATION_ID'
  | 'AWS_REGION'
  | 'AWS_DEVOPS_AGENT_ENDPOINT'
  | 'AWS_DEVOPS_AGENT_TASK_URL'
  | 'AWS_ACCESS_KEY_ID'
  | 'AWS_SECRET_ACCESS_KEY'
  | 'AWS_SESSION_TOKEN'
  | 'AGENT_WEBHOOK_URL'
  | 'AGENT_WEBHOOK_SECRET'
  | 'AGENT_AUTH'
>;

/**
 * The configured investigator: the AWS DevOps Agent API when an Agent Space is named, else a generic webhook whose
 * agent posts findings back, else none. Credentials: keys in the configuration, else AWS's default provider chain
 * (environment, AWS_PROFILE, web identity, container and instance metadata), resolved and refreshed by the SDK.
 */
export function createInvestigator(cfg: AgentConfig, timeoutMs: number): Investigator {
  if (cfg.AWS_DEVOPS_AGENT_SPACE_ID && cfg.AWS_REGION && cfg.AWS_DEVOPS_AGENT_ASSOCIATION_ID) {
    const credentials =
      cfg.AWS_ACCESS_KEY_ID && cfg.AWS_SECRET_ACCESS_KEY
        ? { accessKeyId: cfg.AWS_ACCESS_KEY_ID, secretAccessKey: cfg.AWS_SECRET_ACCESS_KEY, ...(cfg.AWS_SESSION_TOKEN ? { sessionToken: cfg.AWS_SESSION_TOKEN } : {}) }
        : fromNodeProviderChain();
    const api = createDevOpsAgentApi({
      endpoint: cfg.AWS_DEVOPS_AGENT_ENDPOINT ?? defaultDevOpsAgentEndpoint(cfg.AWS_REGION),
      region: cfg.AWS_REGION,
      agentSpaceId: cfg.AWS_DEVOPS_AGENT_SPACE_ID,
      credentials,
      timeoutMs,
    });
    return createDevOpsAgentTaskInvestigator({ api, associationId: cfg.AWS_DEVOPS_AGENT_ASSOCIATION_ID, taskUrlTemplate: cfg.AWS_DEVOPS_AGENT_TASK_URL });
  }
  if (cfg.AGENT_WEBHOOK_URL) {
    return createDevOpsAgentInvestigator({ webhookUrl: cfg.AGENT_WEBHOOK_URL, secret: cfg.AGENT_WEBHOOK_SECRET ?? '', auth: cfg.AGENT_AUTH, timeoutMs });
  }
  return noInvestigator;
}
