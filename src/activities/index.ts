import type { ServiceNowClient } from '../clients/servicenow/client';
import type { SlackClient } from '../clients/slack/client';
import type { AuditStore } from '../audit/audit-store';
import type { InvestigationSettings } from '../contracts/investigation';
import type { PolicyStore } from '../policy/policy-store';
import { createAuditActivities } from './audit';
import { createInvestigationActivities, type InvestigationTrigger } from './investigation';
import { createServiceNowActivities } from './servicenow';
import { createSlackActivities } from './slack';
import { createTemporalActivities } from './temporal';
import { classifyingErrors } from './to-failure';

export interface ActivityDeps {
  servicenow: ServiceNowClient;
  slack: SlackClient;
  investigator: InvestigationTrigger;
  settings: InvestigationSettings;
  policy: PolicyStore;
  audit: AuditStore;
}

/** Every activity the worker registers; production, sandbox and tests differ only in the clients they pass. */
export function createActivities(deps: ActivityDeps) {
  return classifyingErrors({
    ...createServiceNowActivities(deps.servicenow),
    ...createSlackActivities(deps.slack),
    ...createInvestigationActivities(deps),
    ...createTemporalActivities(),
    ...createAuditActivities(deps.audit),
  });
}

export type Activities = ReturnType<typeof createActivities>;
