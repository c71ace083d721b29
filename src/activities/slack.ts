import type { ResponseUrlMessage, SlackClient } from '../clients/slack/client';

export function createSlackActivities(slack: SlackClient) {
  return {
    async respondToRequester(responseUrl: string, message: ResponseUrlMessage): Promise<void> {
      await slack.respond(responseUrl, message);
    },
  };
}
