import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '../log';
import { BadRequestError } from './middleware/form-body';
import { createEventLoopMonitor } from './event-loop';
import { createApiMetrics } from './metrics';
import { verifySlack } from './middleware/verify-slack';
import { verifyWebhookMiddleware } from './middleware/verify-webhook';
import { agentEventsRoute, requireApiKey } from './routes/agent-events';
import { agentWebhookRoute } from './routes/agent-webhook';
import { serviceNowWebhookRoute } from './routes/servicenow-webhook';
import { slackCommandsRoute } from './routes/slack-commands';
import { slackEventsRoute } from './routes/slack-events';
import { slackInteractionsRoute } from './routes/slack-interactions';
import type { Responder } from './respond';
import type { CommandDeps } from './commands';
import type { WorkflowGateway } from './workflow-gateway';
import type { Readiness } from '../temporal-setup/search-attribute-readiness';

declare module 'express-serve-static-core' {
  interface Request {
    log?: Logger;
  }
}

export interface AppDeps extends CommandDeps {
  gateway: WorkflowGateway;
  slackSigningSecrets: readonly string[];
  /** What the Business Rule presents to /webhooks/servicenow (current, then previous during rotation). */
  serviceNowWebhookSecrets: readonly string[];
  /** What an agent presents to /webhooks/agent; empty disables the route. */
  agentCallbackSecrets: readonly string[];
  /** What an EventBridge API destination presents (x-api-key) to /webhooks/aws-devops-agent/events; empty disables it. */
  agentEventsKeys?: readonly string[];
  /** Posts to a Slack response_url (plain HTTP). */
  respond: Responder;
  /** Readiness: Temporal answers (the policy is loaded once the process is up). Absent: always ready. */
  ready?: () => Promise<boolean>;
  /** Readiness of the namespace: the search attributes OpsLoop writes exist. Absent: ready. */
  namespaceReady?: () => Promise<Readiness>;
  logger: Logger;
  now?: () => number;
}

/** Slack bodies are small; anything bigger is not Slack. Incident events and findings carry long descriptions. */
const SLACK_BODY_LIMIT = '64kb';
const WEBHOOK_BODY_LIMIT = '256kb';

const asyncRoute =
  (fn: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };

const requestLog =
  (logger: Logger): RequestHandler =>
  (req, res, next) => {
    const started = process.hrtime.bigint();
    req.log = logger.child({ requestId: req.get('x-request-id') ?? randomUUID() });
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      req.log?.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };

const errors: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const e = err as { type?: string; status?: number };
  if (err instanceof BadRequestError) {
    res.status(err.status).json({ error: err.message });
  } else if (e.type === 'entity.too.large') {
    res.status(413).json({ error: 'body too large' });
  } else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    res.status(e.status).json({ error: 'malformed request' });
  } else {
    req.log?.error({ err }, 'unhandled error');
    res.status(500).json({ error: 'internal error' });
  }
};

/** Builds the HTTP edge: verify → parse → hand to Temporal → answer. Never listens by itself. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(deps.logger));
  const metrics = createApiMetrics({
    // Read from the gateway at scrape time; a gateway that cannot say shows no series.
    pendingDecisions: () => deps.gateway.pendingDecisions?.() ?? Promise.resolve(new Map()),
    onPendingDecisionsError: (err) => deps.logger.warn({ reason: err instanceof Error ? err.message : String(err) }, 'could not read the pending decisions for /metrics'),
  });
  app.use(metrics.observe);
  const raw = express.raw({ type: () => true, limit: SLACK_BODY_LIMIT });
  const rawWebhook = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });
  const slack = verifySlack({ signingSecrets: deps.slackSigningSecrets, now: deps.now });

  const eventLoop = createEventLoopMonitor();
  // Liveness, plus how late the event loop has been running lately: a stalled loop delays every acknowledgement.
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, eventLoopDelayMs: eventLoop.delay() });
  });
  app.get(
    '/readyz',
    asyncRoute(async (_req, res) => {
      const temporal = deps.ready ? await deps.ready().catch(() => false) : true;
      const namespace = temporal && deps.namespaceReady ? await deps.namespaceReady() : { ready: temporal };
      const ok = temporal && namespace.ready;
      res.status(ok ? 200 : 503).json({ ok, temporal, searchAttributes: namespace.ready, policy: true, ...(namespace.reason ? { reason: namespace.reason } : {}) });
    }),
  );
  app.get('/metrics', metrics.endpoint);
  app.post('/slack/commands', raw, slack, asyncRoute(slackCommandsRoute(deps)));
  app.post('/slack/events', raw, slack, asyncRoute(slackEventsRoute(deps)));
  app.post('/slack/interactions', raw, slack, asyncRoute(slackInteractionsRoute(deps)));
  app.post(
    '/webhooks/servicenow',
    rawWebhook,
    verifyWebhookMiddleware(deps.serviceNowWebhookSecrets, deps.now),
    asyncRoute(serviceNowWebhookRoute(deps.gateway, deps.policy)),
  );
  if (deps.agentEventsKeys?.length) {
    app.post('/webhooks/aws-devops-agent/events', rawWebhook, requireApiKey(deps.agentEventsKeys), asyncRoute(agentEventsRoute(deps.gateway)));
  }
  app.post('/webhooks/agent', rawWebhook, verifyWebhookMiddleware(deps.agentCallbackSecrets, deps.now), asyncRoute(agentWebhookRoute(deps.gateway)));
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errors);
  return app;
}
