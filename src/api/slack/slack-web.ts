import { LogLevel, WebClient, type View } from '@slack/web-api';
import { INCIDENT_ROOT_EVENT_TYPE } from '../../contracts/slack-metadata';

/** The Slack Web API calls the API process makes itself: modals (trigger ids live 3 s), group membership, threads. */
export interface ApiSlack {
  openView: (triggerId: string, view: View) => Promise<void>;
  groupMembers: (groupId: string) => Promise<string[]>;
  /** The incident whose thread this is (its root message's metadata), or undefined for any other thread. */
  threadIncident: (channel: string, threadTs: string) => Promise<string | undefined>;
}

/** Threads whose incident is known; a thread's root never changes incident, so entries only age out by count. */
const KNOWN_THREADS = 1000;

export function createApiSlack(cfg: { token: string; apiUrl: string }): ApiSlack {
  const web = new WebClient(cfg.token, { slackApiUrl: cfg.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 2500, logLevel: LogLevel.ERROR });
  const threads = new Map<string, string>();
  return {
    async threadIncident(channel, threadTs) {
      const key = `${channel}/${threadTs}`;
      const known = threads.get(key);
      if (known) return known;
      // conversations.replies lists the thread's root first; only apps can attach metadata to a message.
      const res = await web.conversations.replies({ channel, ts: threadTs, limit: 1, include_all_metadata: true });
      const root = res.messages?.find((m) => m.ts === threadTs);
      const incident = root?.metadata?.event_type === INCIDENT_ROOT_EVENT_TYPE ? (root.metadata.event_payload as Record<string, unknown> | undefined)?.incident : undefined;
      if (typeof incident !== 'string') return undefined;
      if (threads.size >= KNOWN_THREADS) threads.delete(threads.keys().next().value!);
      threads.set(key, incident);
      return incident;
    },
    async openView(triggerId, view) {
      await web.views.open({ trigger_id: triggerId, view });
    },
    async groupMembers(groupId) {
      const res = await web.usergroups.users.list({ usergroup: groupId });
      return res.users ?? [];
    },
  };
}
