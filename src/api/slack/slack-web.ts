import { LogLevel, WebClient, type View } from '@slack/web-api';

/** The Slack Web API calls the API process makes itself: modals (trigger ids live 3 s) and group membership. */
export interface ApiSlack {
  openView: (triggerId: string, view: View) => Promise<void>;
  groupMembers: (groupId: string) => Promise<string[]>;
}

export function createApiSlack(cfg: { token: string; apiUrl: string }): ApiSlack {
  const web = new WebClient(cfg.token, { slackApiUrl: cfg.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 2500, logLevel: LogLevel.ERROR });
  return {
    async openView(triggerId, view) {
      await web.views.open({ trigger_id: triggerId, view });
    },
    async groupMembers(groupId) {
      const res = await web.usergroups.users.list({ usergroup: groupId });
      return res.users ?? [];
    },
  };
}
