import { ErrorCode, LogLevel, WebClient, type Block, type KnownBlock } from '@slack/web-api';
import { HttpError, NetworkError, SlackApiError, TimeoutError } from '../errors';
import { fetchJson, type FetchFn } from '../http';

export interface SlackClientConfig {
  token: string;
  apiUrl: string;
  timeoutMs?: number;
  fetch?: FetchFn;
}

export interface SlackMessage {
  text: string;
  blocks?: (Block | KnownBlock)[];
}

export interface ResponseUrlMessage extends SlackMessage {
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
}

export type SlackClient = ReturnType<typeof createSlackClient>;

/** Turns @slack/web-api's errors into ours, keeping the Retry-After Slack sent. */
function translate(target: string, err: unknown): Error {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return new SlackApiError(target, 'rate_limited', (e.retryAfter ?? 1) * 1000);
    case ErrorCode.PlatformError:
      return new SlackApiError(target, e.data?.error ?? 'unknown_error');
    case ErrorCode.HTTPError:
      return new HttpError(target, e.statusCode ?? 500, 'Slack answered with an HTTP error');
    case ErrorCode.RequestError:
      return /abort|timeout/i.test(e.message ?? '')
        ? new TimeoutError(`${target} timed out`, target, { cause: err })
        : new NetworkError(`${target} failed: ${e.message}`, target, { cause: err });
    default:
      return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * Slack Web API client for activities. The WebClient's own retries are off and 429s are rejected at once,
 * because its default policy sleeps for up to ~30 minutes inside one attempt; Temporal owns retries.
 */
export function createSlackClient(cfg: SlackClientConfig) {
  const web = new WebClient(cfg.token, {
    slackApiUrl: cfg.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: cfg.timeoutMs ?? 10_000,
    logLevel: LogLevel.ERROR,
  });
  const call = async <T>(target: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw translate(target, err);
    }
  };

  return {
    async postMessage(
      channel: string,
      message: SlackMessage & { threadTs?: string; metadata?: { event_type: string; event_payload: Record<string, string> } },
    ): Promise<{ channel: string; ts: string }> {
      const res = await call('Slack chat.postMessage', () =>
        web.chat.postMessage({ channel, text: message.text, blocks: message.blocks, thread_ts: message.threadTs, metadata: message.metadata }),
      );
      return { channel: res.channel ?? channel, ts: res.ts ?? '' };
    },

    /**
     * A message whose metadata says `event_type` with `key: value`, if any: among the channel's newest top-level
     * messages, or, given `threadTs`, among that thread's replies.
     */
    async findByMetadata(channel: string, eventType: string, key: string, value: string, threadTs?: string): Promise<{ channel: string; ts: string } | undefined> {
      const res = threadTs
        ? await call('Slack conversations.replies', () => web.conversations.replies({ channel, ts: threadTs, limit: 200, include_all_metadata: true }))
        : await call('Slack conversations.history', () => web.conversations.history({ channel, limit: 100, include_all_metadata: true }));
      const found = (res.messages ?? []).find((m) => m.metadata?.event_type === eventType && (m.metadata.event_payload as Record<string, unknown> | undefined)?.[key] === value);
      return found?.ts ? { channel, ts: found.ts } : undefined;
    },

    async updateMessage(channel: string, ts: string, message: SlackMessage): Promise<void> {
      await call('Slack chat.update', () => web.chat.update({ channel, ts, text: message.text, blocks: message.blocks }));
    },

    /** A link to a message; for the work note that points ServiceNow users at the thread. */
    async permalink(channel: string, ts: string): Promise<string> {
      const res = await call('Slack chat.getPermalink', () => web.chat.getPermalink({ channel, message_ts: ts }));
      return res.permalink ?? '';
    },

    /**
     * A person's e-mail address from users.info: Slack includes `profile.email` only when the token has the
     * users:read.email scope (https://docs.slack.dev/reference/methods/users.info, "Email addresses"), so undefined
     * means "not visible to OpsLoop" as much as "none".
     */
    async userEmail(userId: string): Promise<string | undefined> {
      const res = await call('Slack users.info', () => web.users.info({ user: userId }));
      return res.user?.profile?.email || undefined;
    },

    /**
     * The workspace member with this e-mail address, if any (users.lookupByEmail, which needs users:read.email:
     * https://docs.slack.dev/reference/methods/users.lookupByEmail); `users_not_found` means nobody has it.
     */
    async userIdByEmail(email: string): Promise<string | undefined> {
      try {
        const res = await call('Slack users.lookupByEmail', () => web.users.lookupByEmail({ email }));
        return res.user?.id || undefined;
      } catch (err) {
        if (err instanceof SlackApiError && err.code === 'users_not_found') return undefined;
        throw err;
      }
    },

    /** Replies through a command's or click's response_url (plain HTTP, not a Web API method). */
    async respond(responseUrl: string, message: ResponseUrlMessage): Promise<void> {
      await fetchJson({
        target: 'Slack response_url',
        url: responseUrl,
        method: 'POST',
        body: message,
        timeoutMs: cfg.timeoutMs ?? 10_000,
        fetch: cfg.fetch,
      });
    },
  };
}
