import type { Investigator } from './investigator';

/** Used when no agent is configured: investigations go straight to a decision once the findings deadline passes. */
export const noInvestigator: Investigator = {
  name: 'no investigator (AGENT_WEBHOOK_URL is not set)',
  async requestInvestigation() {
    // nothing to trigger
  },
};
