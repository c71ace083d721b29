import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { createApp, type AppDeps } from '../../src/api/app';
import { SLASH_COMMANDS } from '../../src/api/slack/command-text';
import { createLogger } from '../../src/log';
import { COMMANDS } from '../../src/policy/schema';
import { serve, type Served } from '../../src/sandbox/serve';
import { signAsSlack } from '../../src/sandbox/slack-requests';
import { INSTALLED_BOT_SCOPES } from '../../src/sandbox/slack-users';

const ROOT = resolve(__dirname, '..', '..');

/**
 * The bot-token scopes each Slack Web API method needs, from its page at api.slack.com/methods/<method>
 * ("Required scopes"; [] where it says "No scope required"). A method the code calls that is missing here fails
 * the test: look it up and add it.
 */
const METHOD_SCOPES: Record<string, string[]> = {
  'auth.test': [],
  'chat.delete': ['chat:write'],
  'chat.getPermalink': [],
  'chat.postEphemeral': ['chat:write'],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'conversations.info': ['channels:read'],
  'reactions.add': ['reactions:write'],
  'usergroups.list': ['usergroups:read'],
  'usergroups.users.list': ['usergroups:read'],
  // users:read for the method; OpsLoop reads profile.email, which Slack includes only with users:read.email.
  'users.info': ['users:read', 'users:read.email'],
  'users.lookupByEmail': ['users:read.email'],
  'views.open': [],
  'views.publish': [],
  'views.push': [],
  'views.update': [],
};

/** Bot events the events route is probed with, and the scope Slack requires to subscribe to each (api.slack.com/events). */
const EVENT_SCOPES: Record<string, string[]> = {
  app_home_opened: [],
  app_mention: ['app_mentions:read'],
  link_shared: ['links:read'],
  member_joined_channel: ['channels:read'],
  'message.channels': ['channels:history'],
  'message.groups': ['groups:history'],
  'message.im': ['im:history'],
  'message.mpim': ['mpim:history'],
  reaction_added: ['reactions:read'],
};

/** Receiving slash commands needs the `commands` scope. */
const COMMANDS_SCOPE = 'commands';

const httpsUrl = z.url({ protocol: /^https$/ });
const manifestSchema = z.object({
  display_information: z.object({ name: z.string().min(1), description: z.string().max(140) }),
  features: z.object({
    bot_user: z.object({ display_name: z.string().min(1) }),
    slash_commands: z.array(z.object({ command: z.string(), url: httpsUrl, description: z.string().min(1), usage_hint: z.string().optional() })),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
  settings: z.object({
    event_subscriptions: z.object({ request_url: httpsUrl, bot_events: z.array(z.string()) }),
    interactivity: z.object({ is_enabled: z.literal(true), request_url: httpsUrl }),
    socket_mode_enabled: z.literal(false),
  }),
});

const manifest = manifestSchema.parse(parse(readFileSync(join(ROOT, 'slack', 'manifest.yaml'), 'utf8')));
const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
const pathOf = (url: string) => new URL(url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'sandbox' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Web API methods called anywhere in src/ through a WebClient (`web.chat.postMessage(`) or `apiCall('…')`. */
function webApiMethods(): string[] {
  const methods: string[] = [];
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const [, client] of text.matchAll(/(\w+)\s*=\s*new WebClient\(/g)) {
      for (const [, method] of text.matchAll(new RegExp(`\\b${client}\\.((?:[a-z]+\\.)+[a-zA-Z]+)\\(`, 'g'))) methods.push(method!);
    }
    for (const [, method] of text.matchAll(/\.apiCall\(\s*['"]([\w.]+)['"]/g)) methods.push(method!);
  }
  return sorted(methods);
}

/**
 * Deps for createApp where every collaborator is a stub that records being called (and fails), so a request that
 * reaches any business logic is visible. `then` stays undefined so no stub is mistaken for a promise.
 */
function recordingDeps(signingSecret: string, touched: string[]): AppDeps {
  const stub = (path: string): unknown =>
    new Proxy(() => undefined, {
      get: (_target, prop) => (typeof prop === 'symbol' || prop === 'then' ? undefined : stub(`${path}.${prop}`)),
      apply: () => {
        touched.push(path);
        const failed = Promise.reject(new Error(`stub ${path}`));
        failed.catch(() => undefined);
        return failed;
      },
    });
  const real: Partial<AppDeps> = {
    slackSigningSecrets: [signingSecret],
    serviceNowWebhookSecrets: ['manifest-test-webhook-secret'],
    agentCallbackSecrets: [],
    logger: createLogger({ level: 'silent' }),
    now: () => Date.now(),
  };
  return new Proxy(real, {
    get: (target, prop) => (prop in target ? (target as Record<string | symbol, unknown>)[prop] : typeof prop === 'symbol' || prop === 'then' ? undefined : stub(prop)),
  }) as AppDeps;
}

interface Layer {
  name?: string;
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** "POST /slack/commands" for every route, walking into mounted routers (express 5: app.router.stack). */
function routesOf(stack: Layer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route && typeof layer.route.path === 'string') {
      return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${prefix}${String(layer.route?.path)}`);
    }
    if (layer.handle.stack && typeof layer.rawPath === 'string') return routesOf(layer.handle.stack, `${prefix}${layer.rawPath}`);
    return [];
  });
}

describe('slack/manifest.yaml matches what the code handles', () => {
  const signingSecret = 'manifest-test-signing-secret';
  const touched: string[] = [];
  const app = createApp(recordingDeps(signingSecret, touched));
  let api: Served;
  beforeAll(async () => {
    api = await serve(app);
  });
  afterAll(async () => {
    await api.close();
  });

  it('declares exactly the slash commands the API answers', () => {
    expect(sorted(manifest.features.slash_commands.map((c) => c.command))).toEqual(sorted(SLASH_COMMANDS));
  });

  it('advertises only subcommands that exist in its usage hints', () => {
    for (const { command, usage_hint } of manifest.features.slash_commands) {
      if (command !== '/ops' || !usage_hint) continue;
      const verbs = usage_hint.split('|').map((alternative) => alternative.trim().split(/\s+/)[0] ?? '');
      expect(verbs.filter((verb) => !(COMMANDS as readonly string[]).includes(verb))).toEqual([]);
    }
  });

  it('points its request URLs at exactly the Slack routes createApp registers, each behind signature verification', async () => {
    const slackRoutes = routesOf((app.router as unknown as { stack: Layer[] }).stack).filter((r) => r.startsWith('POST /slack/'));
    const manifestPaths = sorted([
      ...manifest.features.slash_commands.map((c) => pathOf(c.url)),
      pathOf(manifest.settings.interactivity.request_url),
      pathOf(manifest.settings.event_subscriptions.request_url),
    ]);
    expect(manifestPaths).toEqual(sorted(slackRoutes.map((r) => r.slice('POST '.length))));
    expect(pathOf(manifest.settings.event_subscriptions.request_url)).toBe('/slack/events');
    expect(pathOf(manifest.settings.interactivity.request_url)).toBe('/slack/interactions');
    for (const path of manifestPaths) {
      const res = await fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
    expect(touched).toEqual([]);
  });

  it('subscribes to exactly the bot events the events route acts on', async () => {
    const handled: string[] = [];
    for (const name of sorted([...Object.keys(EVENT_SCOPES), ...manifest.settings.event_subscriptions.bot_events])) {
      const [type, channelType] = name.split('.');
      const body = JSON.stringify({
        type: 'event_callback',
        event_id: `Ev${name.replace(/\W/g, '')}`,
        team_id: 'TMANIFEST',
        api_app_id: 'AOPSLOOP',
        event: { type, channel_type: channelType, user: 'U0PERSON', text: '<@UOPSLOOP> help', channel: 'C0INCIDENTS', ts: '1700000000.000100' },
      });
      const signed = signAsSlack(signingSecret, body);
      touched.length = 0;
      await fetch(`${api.url}/slack/events`, { method: 'POST', headers: { ...signed.headers, 'content-type': 'application/json' }, body });
      // An events route may acknowledge first and act after; give it a moment.
      await new Promise((r) => setTimeout(r, 20));
      if (touched.length > 0) handled.push(name);
    }
    expect(handled).not.toEqual([]);
    expect(sorted(manifest.settings.event_subscriptions.bot_events)).toEqual(handled);
  });

  it('requests exactly the bot scopes the code needs: Web API methods, slash commands, subscribed events', () => {
    const methods = webApiMethods();
    expect(methods).toContain('chat.postMessage'); // the scan still finds the incident thread's own calls
    expect(methods.filter((m) => !(m in METHOD_SCOPES))).toEqual([]);
    const needed = [
      ...methods.flatMap((m) => METHOD_SCOPES[m] ?? []),
      ...(SLASH_COMMANDS.length ? [COMMANDS_SCOPE] : []),
      ...manifest.settings.event_subscriptions.bot_events.flatMap((e) => EVENT_SCOPES[e] ?? [`(no scope known for event ${e})`]),
    ];
    expect(sorted(manifest.oauth_config.scopes.bot)).toEqual(sorted(needed));
  });

  it('is what the sandbox workspace granted: the fake Slack answers with exactly the manifest scopes', () => {
    expect(sorted(INSTALLED_BOT_SCOPES)).toEqual(sorted(manifest.oauth_config.scopes.bot));
  });
});
