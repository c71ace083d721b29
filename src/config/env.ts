import { z } from 'zod';
import { DEFAULT_AGENT_MAX_CONCURRENT } from '../contracts/agent-slots';
import { IncidentConditionError, normaliseIncidentCondition } from '../contracts/incident-condition';
import { DEFAULT_TASK_QUEUE } from '../contracts/task-queue';

/** Thrown when the environment does not describe a usable configuration; one line per bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`OpsLoop configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

// Empty strings count as unset, as in t3-env: `FOO=` in a .env file means "not configured".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const url = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const port = z.coerce.number().int().min(0).max(65535);

const temporalShape = {
  TEMPORAL_ADDRESS: optional(z.string()).default('localhost:7233'),
  TEMPORAL_NAMESPACE: optional(z.string()).default('default'),
  TEMPORAL_TASK_QUEUE: optional(z.string()).default(DEFAULT_TASK_QUEUE),
  TEMPORAL_TLS_CERT: optional(z.string()),
  TEMPORAL_TLS_KEY: optional(z.string()),
  TEMPORAL_API_KEY: optional(z.string()),
  TEMPORAL_UI_URL: optional(url).default('http://localhost:8233'),
  OPSLOOP_POLICY_FILE: z.string({ message: 'required: the authorization policy (see policy.example.yaml)' }).min(1),
  /** The runbook catalog: actions, ping targets, notification subscriptions (see runbook.example.yaml). */
  OPSLOOP_ACTIONS_FILE: optional(z.string()),
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')),
  OPSLOOP_DATA_DIR: optional(z.string()),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])).default('info'),
};

/** The on-call provider (PagerDuty): the API answers `/ops oncall`, the worker pages. */
const pagerDutyShape = {
  PAGERDUTY_EVENTS_URL: optional(url).default('https://events.pagerduty.com'),
  PAGERDUTY_API_URL: optional(url).default('https://api.pagerduty.com'),
  /** A REST API key (read-only is enough) for who is on call; unset: `/ops oncall` says how to configure it. */
  PAGERDUTY_API_TOKEN: optional(z.string().min(1).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')),
};

const apiShape = {
  ...temporalShape,
  ...pagerDutyShape,
  PORT: optional(port).default(3000),
  SLACK_SIGNING_SECRET: z.string({ message: 'required (the Slack app signing secret)' }).min(1),
  SLACK_PREVIOUS_SIGNING_SECRET: optional(z.string()),
  /** Optional in the API: lets it open modals (views.open) and resolve user groups (usergroups.users.list). */
  SLACK_BOT_TOKEN: optional(z.string()),
  SLACK_API_URL: optional(url).default('https://slack.com/api/'),
  SERVICENOW_WEBHOOK_SECRET: z.string({ message: 'required (what the Business Rule presents to /webhooks/servicenow)' }).min(16, 'must be at least 16 characters'),
  AGENT_CALLBACK_SECRET: optional(z.string().min(16, 'must be at least 16 characters')),
  /** The API key an EventBridge API destination presents (x-api-key) to /webhooks/aws-devops-agent/events. */
  AWS_DEVOPS_AGENT_EVENTS_KEY: optional(z.string().min(16, 'must be at least 16 characters').regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')),
};

const workerShape = {
  ...temporalShape,
  ...pagerDutyShape,
  SLACK_BOT_TOKEN: z.string({ message: 'required (the Slack bot token, xoxb-…)' }).min(1),
  SLACK_API_URL: optional(url).default('https://slack.com/api/'),
  SLACK_INCIDENT_CHANNEL: optional(z.string()),
  SERVICENOW_INSTANCE_URL: z.url({ message: 'required: the instance URL, e.g. https://acme.service-now.com' }),
  SERVICENOW_USERNAME: z.string({ message: 'required (the integration user)' }).min(1),
  SERVICENOW_PASSWORD: z.string({ message: 'required (the integration user password)' }).min(1),
  SERVICENOW_TIMEOUT_MS: optional(z.coerce.number().int().positive()).default(10_000),
  SERVICENOW_CLOSE_CODE: optional(z.string()).default('Solution provided'),
  /**
   * Which incidents OpsLoop handles, as an encoded query (assignment_group.name=SRE^priority<=2); unset: all. The
   * Business Rule's --condition must be the same (the generator reads this variable); the reconcile schedule uses it.
   */
  SERVICENOW_INCIDENT_CONDITION: optional(z.string()).transform((text, ctx) => {
    try {
      return normaliseIncidentCondition(text);
    } catch (err) {
      if (!(err instanceof IncidentConditionError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message });
      return z.NEVER;
    }
  }),
  AGENT_WEBHOOK_URL: optional(url),
  AGENT_WEBHOOK_SECRET: optional(z.string()),
  AGENT_AUTH: optional(z.enum(['hmac', 'apikey'])).default('hmac'),
  /** Set: investigations go through the AWS DevOps Agent API (CreateBacklogTask) of this Agent Space. */
  AWS_DEVOPS_AGENT_SPACE_ID: optional(z.string().regex(/^[\w-]{1,128}$/, 'must be an Agent Space id')),
  AWS_DEVOPS_AGENT_ASSOCIATION_ID: optional(z.string().regex(/^[\w-]{1,128}$/, "must be the id of the Agent Space's ServiceNow association")),
  AWS_REGION: optional(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region, e.g. us-east-1')),
  /** Used as given (no `dp.` host prefix is added); default https://dp.aidevops.<AWS_REGION>.api.aws. */
  AWS_DEVOPS_AGENT_ENDPOINT: optional(url),
  /** A link to a task in the agent's console, `{taskId}` replaced; unset: findings link to the ServiceNow note only. */
  AWS_DEVOPS_AGENT_TASK_URL: optional(z.string().regex(/^https?:\/\/\S*\{taskId\}/, 'must be an http(s) URL containing {taskId}')),
  OPSLOOP_AGENT_POLL_INTERVAL_MS: optional(z.coerce.number().int().min(100)).default(30_000),
  // Read from the configuration as well as by the AWS SDK's default chain, so a process's own environment wins.
  AWS_ACCESS_KEY_ID: optional(z.string()),
  AWS_SECRET_ACCESS_KEY: optional(z.string()),
  AWS_SESSION_TOKEN: optional(z.string()),
  OPSLOOP_ESCALATION_TARGET: optional(z.string()),
  OPSLOOP_FINDINGS_TIMEOUT_MS: optional(z.coerce.number().int().positive()).default(15 * 60_000),
  OPSLOOP_APPROVAL_REMINDER_MS: optional(z.coerce.number().int().positive()).default(30 * 60_000),
  OPSLOOP_APPROVAL_EXPIRY_MS: optional(z.coerce.number().int().positive()).default(4 * 60 * 60_000),
  /** host:port where the worker serves Temporal's runtime metrics for Prometheus (e.g. 0.0.0.0:9464); unset: off. */
  OPSLOOP_WORKER_METRICS_ADDRESS: optional(z.string().regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:9464')),
  /**
   * How many workflows the worker keeps in its sticky cache; unset: the SDK's heuristic from the heap limit
   * (max((heap - 200 MB) x 600/1024, 10)). Set it explicitly in production, with --max-old-space-size at about 75-80 %
   * of the container's memory (the SDK maintainers' advice: https://github.com/temporalio/sdk-typescript/issues/1843). Past it the least recently used workflow is evicted and replayed.
   */
  OPSLOOP_MAX_CACHED_WORKFLOWS: optional(z.coerce.number().int().min(0)),
  /**
   * A workflow bundle built by `npm run build:workflows`: the worker starts without bundling (about 1.6 s less here).
   * It must be built from the same code the worker runs; the image builds both together.
   */
  OPSLOOP_WORKFLOW_BUNDLE: optional(z.string().min(1)),
  /** How often the reconcile schedule asks ServiceNow for recently updated incidents; 0 disables it. */
  OPSLOOP_RECONCILE_INTERVAL_MS: optional(z.coerce.number().int().min(0)).default(5 * 60_000),
  /** Agent investigations in flight across all workers (the agent space's concurrency quota); more wait in a queue. */
  OPSLOOP_AGENT_MAX_CONCURRENT: optional(z.coerce.number().int().min(1, 'must be at least 1')).default(DEFAULT_AGENT_MAX_CONCURRENT),
};

function parse<S extends z.ZodRawShape>(shape: S, env: Env): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  // zod messages never include the received value, so secrets cannot leak through them.
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
}

function checkTls(cfg: { TEMPORAL_TLS_CERT?: string; TEMPORAL_TLS_KEY?: string }): void {
  if (Boolean(cfg.TEMPORAL_TLS_CERT) !== Boolean(cfg.TEMPORAL_TLS_KEY)) {
    throw new ConfigError(['TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY: set both or neither (mTLS needs a certificate and its key)']);
  }
}

export type ApiConfig = ReturnType<typeof loadApiConfig>;
export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;
export type TemporalConfig = z.infer<z.ZodObject<typeof temporalShape>>;

export function loadApiConfig(env: Env = process.env) {
  const cfg = parse(apiShape, env);
  checkTls(cfg);
  return cfg;
}

export function loadWorkerConfig(env: Env = process.env) {
  const cfg = parse(workerShape, env);
  checkTls(cfg);
  if (cfg.AGENT_WEBHOOK_URL && !cfg.AGENT_WEBHOOK_SECRET) {
    throw new ConfigError(['AGENT_WEBHOOK_SECRET: required when AGENT_WEBHOOK_URL is set (the HMAC secret or API key of the webhook)']);
  }
  if (cfg.AWS_DEVOPS_AGENT_SPACE_ID) {
    const missing = [
      !cfg.AWS_DEVOPS_AGENT_ASSOCIATION_ID && "AWS_DEVOPS_AGENT_ASSOCIATION_ID: required with AWS_DEVOPS_AGENT_SPACE_ID (the id of the Agent Space's ServiceNow association; every task's reference names it)",
      !cfg.AWS_REGION && 'AWS_REGION: required with AWS_DEVOPS_AGENT_SPACE_ID (the Agent Space region, e.g. us-east-1)',
      cfg.AGENT_WEBHOOK_URL && 'AGENT_WEBHOOK_URL: set either it (a generic webhook whose agent posts findings back) or AWS_DEVOPS_AGENT_SPACE_ID (the AWS DevOps Agent API), not both',
      Boolean(cfg.AWS_ACCESS_KEY_ID) !== Boolean(cfg.AWS_SECRET_ACCESS_KEY) && 'AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: set both or neither (neither: the AWS default credential chain)',
    ].filter((p): p is string => typeof p === 'string');
    if (missing.length > 0) throw new ConfigError(missing);
  }
  if (!cfg.SLACK_INCIDENT_CHANNEL) {
    throw new ConfigError(['SLACK_INCIDENT_CHANNEL: required (the channel id where incident threads open, e.g. C0123456789)']);
  }
  return { ...cfg, SLACK_INCIDENT_CHANNEL: cfg.SLACK_INCIDENT_CHANNEL };
}

/** Runs a loader and, on a ConfigError, prints its lines and exits non-zero (process entry points only). */
export function loadOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
