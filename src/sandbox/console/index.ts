import { join } from 'node:path';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { z } from 'zod';
import type { FakeServiceNow } from '../fake-servicenow';
import type { FakeSlack } from '../fake-slack';
import { serve, type Served } from '../serve';
import { ConsoleRequestError, clickSchema, commandSchema, createActions, newIncidentSchema } from './actions';
import { createInteractionLog } from './interaction-log';
import { snapshot, type ConsolePagerDuty, type SandboxUser } from './snapshot';

export type { ConsolePagerDuty, SandboxUser } from './snapshot';
export { sandboxUsers } from './users';

export interface SandboxConsoleOptions {
  slack: FakeSlack;
  servicenow: FakeServiceNow;
  /** The PagerDuty fake, whose alerts (pages) the console lists; absent: no PagerDuty panel. */
  pagerduty?: ConsolePagerDuty;
  /** The OpsLoop API that commands and clicks are sent to. */
  apiUrl: string;
  /** The API's Slack signing secret: the console signs exactly as Slack does. */
  signingSecret: string;
  /** Temporal Web UI base, e.g. http://localhost:8233. */
  webUiUrl: string;
  namespace?: string;
  /** Who the person at the console may act as (the first is preselected). */
  users: readonly SandboxUser[];
  /** Where slash commands are typed; defaults to the channel of the first incident thread, else C0INCIDENTS. */
  channelId?: string;
}

const PUBLIC_DIR = join(__dirname, 'public');

/** DNS rebinding defence: a page on another site that resolves its name to 127.0.0.1 must not drive the console. */
const loopbackHostOnly: RequestHandler = (req, res, next) => {
  if (['127.0.0.1', 'localhost', '[::1]'].includes(req.hostname)) next();
  else res.status(403).json({ error: 'the sandbox console answers on localhost only' });
};

const errors: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  if (err instanceof ConsoleRequestError) res.status(err.status).json({ error: err.message });
  else if (err instanceof z.ZodError) res.status(400).json({ error: z.prettifyError(err) });
  else res.status(502).json({ error: `could not reach OpsLoop: ${err instanceof Error ? err.message : String(err)}` });
};

/**
 * The sandbox console: the fake ServiceNow's incidents, the fake Slack channels and the fake PagerDuty's pages in a browser, with working
 * buttons and a slash-command box. It lives in the process that owns the fakes (their state is in memory), so
 * `npm start` serves it on a loopback port of its own rather than inside the API's child process. Relative URLs
 * in the page let it be mounted under a prefix too.
 */
export function createSandboxConsole(o: SandboxConsoleOptions): express.Express {
  const log = createInteractionLog();
  const actions = createActions({ ...o, log });
  const namespaceUrl = `${o.webUiUrl.replace(/\/$/, '')}/namespaces/${o.namespace ?? 'default'}`;
  const channelId = () => o.channelId ?? o.slack.messages.find((m) => !m.thread_ts)?.channel ?? 'C0INCIDENTS';

  const app = express();
  app.disable('x-powered-by');
  app.use(loopbackHostOnly);
  // JSON only: a cross-site form post cannot send it without a CORS preflight, which this app never grants.
  app.use(express.json({ limit: '16kb' }));
  app.use(express.static(PUBLIC_DIR));

  app.get('/api/state', (_req, res) => {
    res.set('cache-control', 'no-store').json(snapshot({ ...o, log, namespaceUrl }));
  });
  app.post('/api/incidents', (req, res) => {
    res.status(201).json(actions.openIncident(newIncidentSchema.parse(req.body)));
  });
  app.post('/api/click', async (req, res) => {
    res.json(await actions.click(clickSchema.parse(req.body)));
  });
  app.post('/api/command', async (req, res) => {
    res.json(await actions.command(commandSchema.parse(req.body), channelId()));
  });
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errors);
  return app;
}

/** Serves the console on 127.0.0.1 at `port`, or at any free port when that one is taken. */
export async function startSandboxConsole(o: SandboxConsoleOptions, port = 0): Promise<Served> {
  const app = createSandboxConsole(o);
  try {
    return await serve(app, port);
  } catch (err) {
    if (port === 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return serve(app, 0);
  }
}
