import type { ServiceNowClient } from '../clients/servicenow/client';
import type { SlackClient } from '../clients/slack/client';
import type { AuditStore } from '../audit/audit-store';
import type { WorkerSettings } from '../contracts/investigation';
import type { PolicyStore } from '../policy/policy-store';
import { DEFAULT_AGENT_MAX_CONCURRENT } from '../contracts/agent-slots';
import { createAgentSlotActivities } from './agent-slots';
import { createAuditActivities } from './audit';
import { activityMeterMetrics, type DomainMetrics } from './domain-metrics';
import { createRunbookActivities, type Subscription } from './runbook';
import type { Catalog } from '../runbook/catalog-schema';
import { EMPTY_CATALOG } from '../runbook/load-catalog';
import { heartbeating } from './heartbeat';
import { createInvestigationActivities } from './investigation';
import { createIdentityActivities, createIdentityMap } from './identity';
import type { Investigator } from '../clients/agent/investigator';
import type { OnCallProvider, ResolveOnCall } from '../clients/oncall/on-call-provider';
import { createPagingActivities } from './paging';
import { createReconcileActivities } from './reconcile';
import { createServiceNowActivities } from './servicenow';
import { createSlackActivities } from './slack';
import { createTemporalActivities } from './temporal';
import { createTimelineActivities } from './timeline';
import { classifyingErrors } from './to-failure';
import type { OpsLoopWorkflows } from '../temporal-client/opsloop-workflows';

export interface ActivityDeps {
  servicenow: ServiceNowClient;
  slack: SlackClient;
  investigator: Investigator;
  settings: WorkerSettings;
  policy: PolicyStore;
  audit: AuditStore;
  /** Starts and signals other OpsLoop workflows (reconcile deliveries, mentions, notifications). */
  workflows: OpsLoopWorkflows;
  /** The worker's environment, for secrets named by runbook actions (`${NAME}`) and commands' variables. */
  env?: NodeJS.ProcessEnv;
  /** Notification subscriptions from the runbook catalog. */
  subscriptions?: () => Subscription[];
  /** The runbook catalog, for checking agent-proposed actions. */
  catalog?: () => Catalog;
  /** OPSLOOP_AGENT_MAX_CONCURRENT: agent investigations in flight across all workers. */
  agentMaxConcurrent?: number;
  /** Which incidents OpsLoop handles (SERVICENOW_INCIDENT_CONDITION, normalised); undefined: all. */
  incidentCondition?: string;
  /** Pages and looks up who is on call (PagerDuty); absent: paging answers `paged: false`. */
  onCall?: OnCallProvider;
  /** A route name and level to its routing key and escalation policy, read when the activity runs; absent: no routes. */
  resolveOnCall?: ResolveOnCall;
  /** Pages sent, outcomes and time to findings, decision and resolution; default: the Temporal Runtime's meter. */
  metrics?: DomainMetrics;
}

/** Every activity the worker registers; production, sandbox and tests differ only in the clients they pass. */
export function createActivities(deps: ActivityDeps) {
  const metrics = deps.metrics ?? activityMeterMetrics();
  const identity = createIdentityMap({ slack: deps.slack, servicenow: deps.servicenow });
  return classifyingErrors({
    ...heartbeating(createServiceNowActivities(deps.servicenow, identity)),
    ...heartbeating(createIdentityActivities({ slack: deps.slack, servicenow: deps.servicenow })),
    ...heartbeating(createReconcileActivities({ servicenow: deps.servicenow, workflows: deps.workflows, policy: deps.policy, incidentCondition: deps.incidentCondition })),
    ...heartbeating(createSlackActivities(deps.slack)),
    ...heartbeating(createTimelineActivities({ audit: deps.audit, servicenow: deps.servicenow, slack: deps.slack, metrics })),
    ...heartbeating(createInvestigationActivities({ ...deps, subscriptions: deps.subscriptions ?? (() => []) })),
    ...createTemporalActivities(deps.workflows, deps.servicenow, deps.policy),
    ...createAgentSlotActivities(deps.workflows, { maxConcurrent: deps.agentMaxConcurrent ?? DEFAULT_AGENT_MAX_CONCURRENT }),
    ...createAuditActivities(deps.audit),
    ...heartbeating(createPagingActivities({ onCall: deps.onCall, resolveOnCall: deps.resolveOnCall, env: deps.env ?? process.env, metrics })),
    ...createRunbookActivities({ env: deps.env ?? process.env, subscriptions: deps.subscriptions ?? (() => []), catalog: deps.catalog ?? (() => EMPTY_CATALOG), workflows: deps.workflows }),
  });
}

export type Activities = ReturnType<typeof createActivities>;
