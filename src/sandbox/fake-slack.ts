import { randomBytes } from 'node:crypto';
import express from 'express';
import { createFaults, type Faults } from './faults';
import { serve, type Served } from './serve';
import { FakeSlackUsers, INSTALLED_BOT_SCOPES, lookupByEmailAnswer, usersInfoAnswer } from './slack-users';
import { messageBlockProblems, modalViewProblems } from './slack-block-rules';
import { FakeChannels, type FakeChannelSpec } from './slack-channels';

export type { FakeChannel, FakeChannelSpec } from './slack-channels';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}

export interface ResponseUrlPost {
  token: string;
  body: Record<string, unknown>;
  at: number;
}

export interface ChannelMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  edits: number;
}

export interface FakeSlack extends Served {
  faults: Faults;
  /** Modals opened with views.open, newest last. */
  views: { id: string; triggerId: string; view: Record<string, unknown> }[];
  /** Slack user groups for usergroups.users.list: group id → member user ids. */
  userGroups: Map<string, string[]>;
  /** The workspace's members, for users.info. */
  users: FakeSlackUsers;
  /** The scopes the bot token holds (the app as installed); a test may take one away, as a reinstall with fewer would. */
  scopes: Set<string>;
  /** The workspace's channels and whether the bot is in each; a channel not listed does not exist. */
  channels: FakeChannels;
  calls: SlackCall[];
  responses: ResponseUrlPost[];
  messages: ChannelMessage[];
  /** A fresh response_url, as Slack puts in each command or click. */
  newResponseUrl(): string;
  responsesFor(responseUrl: string): ResponseUrlPost[];
}

/** Slack lets a response_url be used five times (within 30 minutes). */
const RESPONSE_URL_USES = 5;

/**
 * https://docs.slack.dev/reference/methods/chat.postMessage ("Truncating content") asks for at most 4,000 characters
 * of `text`. Slack's changelog speaks of truncating at 40,000
 * (https://docs.slack.dev/changelog/2018-04-truncating-really-long-messages), but the method also answers
 * `msg_too_long` (its errors table), and apps meet it well below 40,000: the sandbox refuses past 4,000, never kinder.
 */
const MAX_MESSAGE_TEXT = 4000;

/**
 * Why Slack would refuse a message's content, as its Web API answers (HTTP 200, `ok: false`): `no_text`,
 * `msg_too_long`, `invalid_blocks_format` for blocks that are not JSON, and `invalid_blocks` with one entry per
 * problem in `errors` and, prefixed `[ERROR]`, in `response_metadata.messages`
 * (https://docs.slack.dev/reference/methods/chat.postMessage#errors, https://docs.slack.dev/reference/block-kit/blocks).
 */
function contentRefusal(args: Record<string, unknown>): Record<string, unknown> | undefined {
  const text = str(args.text);
  if (!text && args.blocks === undefined) return { ok: false, error: 'no_text' };
  if (text.length > MAX_MESSAGE_TEXT) return { ok: false, error: 'msg_too_long' };
  if (args.blocks === undefined) return undefined;
  if (typeof args.blocks === 'string') return { ok: false, error: 'invalid_blocks_format' };
  const problems = messageBlockProblems(args.blocks);
  return problems.length ? { ok: false, error: 'invalid_blocks', errors: problems, response_metadata: { messages: problems.map((m) => `[ERROR] ${m}`) } } : undefined;
}

const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);

/** Methods that act in a channel: the bot must be able to see it and, except for a permalink, be in it. */
const CHANNEL_METHODS = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'conversations.history', 'conversations.replies']);
/** Methods that carry a message's text and blocks. */
const CONTENT_METHODS = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral']);

/** Web API arguments arrive form-encoded from @slack/web-api, with nested values (blocks) as JSON strings. */
function decodeArgs(body: unknown): Record<string, unknown> {
  const args: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const key of ['blocks', 'attachments', 'view', 'metadata']) {
    const value = args[key];
    if (typeof value === 'string') {
      try {
        args[key] = JSON.parse(value) as unknown;
      } catch {
        // leave as sent; a real Slack would answer invalid_blocks
      }
    }
  }
  return args;
}

/**
 * The Slack Web API methods OpsLoop calls, plus response_url receivers, over real HTTP. Checks the bot token,
 * keeps channel messages (with in-place edits) and records every call for assertions.
 */
export async function startFakeSlack(options: {
  botToken: string;
  port?: number;
  channels?: FakeChannelSpec[];
  /** The bot token's scopes; default: the manifest's. */
  scopes?: readonly string[];
}): Promise<FakeSlack> {
  const scopes = new Set(options.scopes ?? INSTALLED_BOT_SCOPES);
  const users = new FakeSlackUsers();
  const calls: SlackCall[] = [];
  const responses: ResponseUrlPost[] = [];
  const messages: ChannelMessage[] = [];
  const views: FakeSlack['views'] = [];
  const userGroups = new Map<string, string[]>();
  const channels = new FakeChannels(options.channels);
  const faults = createFaults();
  let clock = 1_700_000_000;
  const nextTs = () => `${++clock}.${String(messages.length).padStart(6, '0')}`;
  let baseUrl = '';

  const app = express();
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use(express.json({ limit: '1mb' }));
  const rateLimitBody = (status: number) => (status === 429 ? { ok: false, error: 'ratelimited' } : { ok: false, error: 'fatal_error' });

  app.post('/response/:token', faults.middleware('response_url', () => ({ ok: false })), (req, res) => {
    const token = String(req.params.token);
    if (responses.filter((r) => r.token === token).length >= RESPONSE_URL_USES) {
      res.status(404).send('used_url');
      return;
    }
    // A response_url answers like an incoming webhook: HTTP 400 and the error as plain text
    // (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks#handling-errors).
    const refused = contentRefusal(req.body as Record<string, unknown>);
    if (refused) {
      res.status(400).send(String(refused.error));
      return;
    }
    responses.push({ token, body: req.body as Record<string, unknown>, at: Date.now() });
    res.status(200).send('ok');
  });

  app.post('/api/:method', (req, res, next) => faults.middleware(String(req.params.method), rateLimitBody)(req, res, next), (req, res) => {
    const method = String(req.params.method);
    if (req.get('authorization') !== `Bearer ${options.botToken}`) {
      res.json({ ok: false, error: 'invalid_auth' });
      return;
    }
    const args = decodeArgs(req.body);
    calls.push({ method, args, at: Date.now() });
    const channel = str(args.channel);
    const refusal = CHANNEL_METHODS.has(method) ? channels.refusal(channel) : undefined;
    if (refusal) {
      res.json({ ok: false, error: refusal });
      return;
    }
    const refusedContent = CONTENT_METHODS.has(method) ? contentRefusal(args) : undefined;
    if (refusedContent) {
      res.json(refusedContent);
      return;
    }
    switch (method) {
      case 'auth.test':
        res.json({ ok: true, user_id: 'UOPSLOOP', team_id: 'TSANDBOX' });
        return;
      case 'chat.postMessage': {
        const message: ChannelMessage = {
          channel,
          ts: nextTs(),
          thread_ts: args.thread_ts as string | undefined,
          text: str(args.text),
          blocks: args.blocks as unknown[] | undefined,
          metadata: args.metadata as ChannelMessage['metadata'],
          edits: 0,
        };
        messages.push(message);
        // The message is posted but the answer is lost, as when a connection drops after Slack accepted it: any post,
        // a thread reply, or a post in one channel (`chat.postMessage answer in C…`).
        const dropped =
          faults.consume('chat.postMessage answer') ??
          (message.thread_ts ? faults.consume('chat.postMessage reply answer') : undefined) ??
          faults.consume(`chat.postMessage answer in ${channel}`);
        if (dropped?.dropResponse) {
          req.socket.destroy();
          return;
        }
        res.json({ ok: true, channel, ts: message.ts, message });
        return;
      }
      case 'conversations.history': {
        const history = messages
          .filter((m) => m.channel === channel && !m.thread_ts)
          .reverse()
          .slice(0, Number(args.limit ?? 100))
          .map(({ ts, text, metadata }) => ({ type: 'message', ts, text, ...(args.include_all_metadata === 'true' || args.include_all_metadata === true ? { metadata } : {}) }));
        res.json({ ok: true, messages: history, has_more: false });
        return;
      }
      case 'conversations.replies': {
        const thread = messages
          .filter((m) => m.channel === channel && (m.ts === args.ts || m.thread_ts === args.ts))
          .slice(0, Number(args.limit ?? 1000))
          .map(({ ts, thread_ts, text, metadata }) => ({ type: 'message', ts, thread_ts, text, ...(args.include_all_metadata === 'true' || args.include_all_metadata === true ? { metadata } : {}) }));
        res.json(thread.length ? { ok: true, messages: thread, has_more: false } : { ok: false, error: 'thread_not_found' });
        return;
      }
      case 'chat.update': {
        const message = messages.find((m) => m.channel === channel && m.ts === args.ts);
        if (!message) {
          res.json({ ok: false, error: 'message_not_found' });
          return;
        }
        message.text = str(args.text, message.text);
        message.blocks = (args.blocks as unknown[] | undefined) ?? message.blocks;
        message.edits += 1;
        res.json({ ok: true, channel, ts: message.ts, text: message.text });
        return;
      }
      case 'chat.getPermalink':
        if (!channels.get(channel)) {
          res.json({ ok: false, error: 'channel_not_found' });
          return;
        }
        res.json({ ok: true, channel, permalink: `${baseUrl}/archives/${channel}/p${str(args.message_ts).replace('.', '')}` });
        return;
      case 'views.open': {
        const view = args.view as Record<string, unknown> | undefined;
        if (!str(args.trigger_id) || !view) {
          res.json({ ok: false, error: 'invalid_arguments' });
          return;
        }
        // A view past Block Kit's limits is refused as invalid_arguments, each problem in response_metadata.messages.
        const problems = modalViewProblems(view);
        if (problems.length) {
          res.json({ ok: false, error: 'invalid_arguments', response_metadata: { messages: problems.map((m) => `[ERROR] ${m}`) } });
          return;
        }
        const opened = { id: `V${randomBytes(5).toString('hex').toUpperCase()}`, triggerId: str(args.trigger_id), view };
        views.push(opened);
        res.json({ ok: true, view: { ...view, id: opened.id } });
        return;
      }
      case 'usergroups.users.list': {
        const users = userGroups.get(str(args.usergroup));
        res.json(users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' });
        return;
      }
      case 'users.info':
        res.json(usersInfoAnswer(users, [...scopes], str(args.user)));
        return;
      case 'users.lookupByEmail':
        res.json(lookupByEmailAnswer(users, [...scopes], str(args.email)));
        return;
      case 'chat.postEphemeral':
        res.json({ ok: true, message_ts: nextTs() });
        return;
      default:
        res.json({ ok: false, error: 'unknown_method' });
    }
  });

  const served = await serve(app, options.port);
  baseUrl = served.url;
  return {
    ...served,
    faults,
    calls,
    responses,
    messages,
    views,
    userGroups,
    users,
    scopes,
    channels,
    newResponseUrl: () => `${baseUrl}/response/${randomBytes(12).toString('hex')}`,
    responsesFor: (responseUrl) => responses.filter((r) => responseUrl.endsWith(`/response/${r.token}`)),
  };
}
