import { ErrorCode, LogLevel, WebClient, type Block, type KnownBlock } from '@slack/web-api';
import { HttpError, NetworkError, SlackApiError, TimeoutError } from '../errors';
import { fetchJson, type FetchFn } from '../http';
import { CHANNEL_ACCESS_CODES, channelAccessHint } from './channel-access';
import { withinLimits } from './limits';

export interface SlackClientConfig {
  token: string;
  apiUrl: string;
  timeoutMs?: number;
  fetch?: FetchFn;
  /** Told when Slack refuses a channel to the bot (`not_in_channel`, `channel_not_found`), e.g. to log what to do. */
  onChannelRefused?: (channel: string, code: string) => void;
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

/** Turns @slack/web-api's errors into ours, keeping the Retry-After Slack sent and saying what to do about a refused channel. */
function translate(target: string, err: unknown, channel?: string): Error {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return new SlackApiError(target, 'rate_limited', (e.retryAfter ?? 1) * 1000);
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      return new SlackApiError(target, code, undefined, channel && CHANNEL_ACCESS_CODES.has(code) ? channelAccessHint(channel, code) : undefined);
    }
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
  const call = async <T>(target: string, fn: () => Promise<T>, channel?: string): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      const translated = translate(target, err, channel);
      if (channel && translated instanceof SlackApiError && CHANNEL_ACCESS_CODES.has(translated.code)) cfg.onChannelRefused?.(channel, translated.code);
      throw translated;
    }
  };

  return {
    async postMessage(
      channel: string,
      message: SlackMessage & { threadTs?: string; metadata?: { event_type: string; event_payload: Record<string, string> } },
    ): Promise<{ channel: string; ts: string }> {
      const { text, blocks } = withinLimits(message);
      const res = await call('Slack chat.postMessage', () => web.chat.postMessage({ channel, text, blocks, thread_ts: message.threadTs, metadata: message.metadata }), channel);
      return { channel: res.channel ?? channel, ts: res.ts ?? '' };
    },

    /**
     * A message whose metadata says `event_type` with `key: value`, if any: among the channel's newest top-level
     * messages, or, given `threadTs`, among that thread's replies.
     */
    async findByMetadata(channel: string, eventType: string, key: string, value: string, threadTs?: string): Promise<{ channel: string; ts: string } | undefined> {
      const res = threadTs
        ? await call('Slack conversations.replies', () => web.conversations.replies({ channel, ts: threadTs, limit: 200, include_all_metadata: true }), channel)
        : await call('Slack conversations.history', () => web.conversations.history({ channel, limit: 100, include_all_metadata: true }), channel);
      const found = (res.messages ?? []).find((m) => m.metadata?.event_type === eventType && (m.metadata.event_payload as Record<string, unknown> | undefined)?.[key] === value);
      return found?.ts ? { channel, ts: found.ts } : undefined;
    },

    async updateMessage(channel: string, ts: string, message: SlackMessage): Promise<void> {
      const { text, blocks } = withinLimits(message);
      await call('Slack chat.update', () => web.chat.update({ channel, ts, text, blocks }), channel);
    },

    /** A link to a message; for the work note that points ServiceNow users at the thread. */
    async permalink(channel: string, ts: string): Promise<string> {
      const res = await call('Slack chat.getPermalink', () => web.chat.getPermalink({ channel, message_ts: ts }), channel);
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
        body: withinLimits(message),
        timeoutMs: cfg.timeoutMs ?? 10_000,
        fetch: cfg.fetch,
      });
    },
  };
}
