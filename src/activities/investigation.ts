import type { InvestigationRequest } from '../contracts/findings';
import type { InvestigationSettings } from '../contracts/investigation';

/** The part of the Investigator port activities need (see src/clients/agent/investigator.ts). */
export interface InvestigationTrigger {
  readonly name: string;
  requestInvestigation(request: InvestigationRequest): Promise<void>;
}

export function createInvestigationActivities(deps: { investigator: InvestigationTrigger; settings: InvestigationSettings }) {
  return {
    /** Read through an activity so the values are recorded in history and replays see the same ones. */
    getInvestigationSettings(): Promise<InvestigationSettings> {
      return Promise.resolve(deps.settings);
    },

    async requestInvestigation(request: InvestigationRequest): Promise<{ investigator: string }> {
      await deps.investigator.requestInvestigation(request);
      return { investigator: deps.investigator.name };
    },
  };
}
