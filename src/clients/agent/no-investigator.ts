import type { CallbackInvestigator } from './investigator';

/** Used when no agent is configured: investigations go straight to a decision once the findings deadline passes. */
export const noInvestigator: CallbackInvestigator = {
  name: 'no investigator (neither AWS_DEVOPS_AGENT_SPACE_ID nor AGENT_WEBHOOK_URL is set)',
  mode: 'callback',
  async requestInvestigation() {
    // nothing to trigger
  },
};
