import { randomBytes } from 'node:crypto';
import type { Policy } from '../policy/schema';
import type { Catalog } from '../runbook/catalog-schema';
import type { BusinessRuleTarget } from './business-rule-sender';
import { startFakeAgent, type FakeAgent } from './fake-agent';
import { startFakePagerDuty, type FakePagerDuty } from './fake-pagerduty';
import { startFakeServiceNow, type FakeServiceNow } from './fake-servicenow';
import { startFakeSlack, type FakeSlack } from './fake-slack';
import { writeSandboxFiles, type OpsLoopEnv } from './sandbox-files';

/*
 * The sandbox world: fake Slack, ServiceNow and agent on loopback, each with freshly minted secrets, and the
 * environment (the variables of src/config/env.ts) that points OpsLoop's API and worker at them. `npm start`, the
 * test stacks and the bench all start the world through this module, so they configure OpsLoop the same way.
 */

/** Every secret the world minted, by the variable OpsLoop reads it from. */
export type SandboxSecrets = Record<SandboxSecretName, string>;
export type SandboxSecretName =
  | 'SLACK_SIGNING_SECRET'
  | 'SLACK_BOT_TOKEN'
  | 'SERVICENOW_PASSWORD'
  | 'SERVICENOW_WEBHOOK_SECRET'
  | 'AWS_SECRET_ACCESS_KEY'
  | 'AWS_DEVOPS_AGENT_EVENTS_KEY'
  | 'AGENT_CALLBACK_SECRET'
  | 'PAGERDUTY_API_TOKEN';

/** The channel where the sandbox's incident threads open. */
export const SANDBOX_INCIDENT_CHANNEL = 'C0INCIDENTS';
/** The integration user OpsLoop signs in to the fake ServiceNow as, unless told otherwise. */
export const SANDBOX_SERVICENOW_USER = 'opsloop.integration';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export interface SandboxSlack {
  fake: FakeSlack;
  secrets: Pick<SandboxSecrets, 'SLACK_SIGNING_SECRET' | 'SLACK_BOT_TOKEN'>;
  env: OpsLoopEnv;
}

export async function startSandboxSlack(): Promise<SandboxSlack> {
  const secrets = { SLACK_BOT_TOKEN: `xoxb-sandbox-${hex(12)}`, SLACK_SIGNING_SECRET: hex(16) };
  // The bot is in the incident channel, as after the README's "invite the bot"; other channels a test needs it adds.
  const fake = await startFakeSlack({ botToken: secrets.SLACK_BOT_TOKEN, channels: [{ id: SANDBOX_INCIDENT_CHANNEL, name: 'incidents', botIsMember: true }] });
  return { fake, secrets, env: { ...secrets, SLACK_API_URL: `${fake.url}/api/`, SLACK_INCIDENT_CHANNEL: SANDBOX_INCIDENT_CHANNEL } };
}

export interface SandboxServiceNowOptions {
  /** OpsLoop's API base URL, where the Business Rule posts incident events. */
  apiUrl: string;
  /** The integration user OpsLoop signs in as; its own writes are not sent back (the rule's --skip-user). */
  username?: string;
  /**
   * Where new incident numbers count from. Workflow ids are incident numbers and outlive a world (a shared test
   * server, .data/ across `npm start` runs), so the default is a random range of its own.
   */
  firstNumber?: number;
  /** Install the Business Rule at once; tests that install their own (or none) say false. Default true. */
  installBusinessRule?: boolean;
}

export interface SandboxServiceNow {
  fake: FakeServiceNow;
  username: string;
  secrets: Pick<SandboxSecrets, 'SERVICENOW_PASSWORD' | 'SERVICENOW_WEBHOOK_SECRET'>;
  /** The Business Rule as `npm run servicenow:business-rule -- --skip-user` generates it for this world. */
  businessRule: BusinessRuleTarget;
  env: OpsLoopEnv;
}

export async function startSandboxServiceNow(o: SandboxServiceNowOptions): Promise<SandboxServiceNow> {
  const username = o.username ?? SANDBOX_SERVICENOW_USER;
  const secrets = { SERVICENOW_PASSWORD: hex(12), SERVICENOW_WEBHOOK_SECRET: hex(20) };
  const fake = await startFakeServiceNow({
    username,
    password: secrets.SERVICENOW_PASSWORD,
    firstNumber: o.firstNumber ?? 1_000_000 + Math.floor(Math.random() * 8_000_000),
  });
  const businessRule = { url: o.apiUrl, secret: secrets.SERVICENOW_WEBHOOK_SECRET, skipUser: username };
  if (o.installBusinessRule !== false) fake.installBusinessRule(businessRule);
  return { fake, username, secrets, businessRule, env: { ...secrets, SERVICENOW_INSTANCE_URL: fake.url, SERVICENOW_USERNAME: username } };
}

export interface SandboxAgentOptions {
  /** OpsLoop's API base URL, where the agent's lifecycle events are delivered (as an EventBridge API destination). */
  apiUrl: string;
  /** How long an investigation runs once started; default 200 ms. */
  delayMs?: number;
  /** Deliver lifecycle events to OpsLoop (default true); without them OpsLoop finds results by polling. */
  events?: boolean;
  /** Investigations the sandbox Agent Space runs at once (AWS's default quota, 3, unless set). */
  concurrency?: number;
}

export interface SandboxAgent {
  fake: FakeAgent;
  secrets: Pick<SandboxSecrets, 'AWS_SECRET_ACCESS_KEY' | 'AWS_DEVOPS_AGENT_EVENTS_KEY' | 'AGENT_CALLBACK_SECRET'>;
  env: OpsLoopEnv;
}

/** The sandbox Agent Space's ids and region, as OpsLoop is configured for a real one. */
export const SANDBOX_AGENT_SPACE = { id: 'sandbox-space', associationId: 'sandbox-servicenow', region: 'us-east-1' } as const;

export async function startSandboxAgent(o: SandboxAgentOptions): Promise<SandboxAgent> {
  const accessKeyId = `AKIASANDBOX${hex(5).toUpperCase()}`;
  const secrets = { AWS_SECRET_ACCESS_KEY: hex(20), AWS_DEVOPS_AGENT_EVENTS_KEY: hex(20), AGENT_CALLBACK_SECRET: hex(20) };
  const fake = await startFakeAgent({
    agentSpaceId: SANDBOX_AGENT_SPACE.id,
    associationId: SANDBOX_AGENT_SPACE.associationId,
    region: SANDBOX_AGENT_SPACE.region,
    credentials: { accessKeyId, secretAccessKey: secrets.AWS_SECRET_ACCESS_KEY },
    delayMs: o.delayMs,
    concurrency: o.concurrency,
    events: { url: `${o.apiUrl.replace(/\/+$/, '')}/webhooks/aws-devops-agent/events`, apiKey: secrets.AWS_DEVOPS_AGENT_EVENTS_KEY },
  });
  if (o.events === false) fake.events.enabled = false;
  return {
    fake,
    secrets,
    env: {
      ...secrets,
      AWS_DEVOPS_AGENT_SPACE_ID: SANDBOX_AGENT_SPACE.id,
      AWS_DEVOPS_AGENT_ASSOCIATION_ID: SANDBOX_AGENT_SPACE.associationId,
      AWS_REGION: SANDBOX_AGENT_SPACE.region,
      AWS_DEVOPS_AGENT_ENDPOINT: fake.url,
      AWS_ACCESS_KEY_ID: accessKeyId,
    },
  };
}

export interface SandboxPagerDuty {
  fake: FakePagerDuty;
  secrets: Pick<SandboxSecrets, 'PAGERDUTY_API_TOKEN'>;
  env: OpsLoopEnv;
}

/**
 * PagerDuty's Events and REST APIs on loopback, with a REST key OpsLoop may read on-calls with. Its integration keys
 * are the routes' (`sandboxRoutingKey`), exported to the worker as the `${NAME}` each route names.
 */
export async function startSandboxPagerDuty(routingKeys: Record<string, string> = {}): Promise<SandboxPagerDuty> {
  const secrets = { PAGERDUTY_API_TOKEN: hex(10) };
  const fake = await startFakePagerDuty({ apiTokens: [secrets.PAGERDUTY_API_TOKEN], routingKeys: Object.values(routingKeys) });
  return { fake, secrets, env: { ...secrets, ...routingKeys, PAGERDUTY_EVENTS_URL: fake.url, PAGERDUTY_API_URL: fake.url } };
}

/** A PagerDuty integration key of the sandbox: 32 hexadecimal characters, as PagerDuty's are. */
export const sandboxRoutingKey = (): string => hex(16);

export interface SandboxWorldOptions extends Omit<SandboxServiceNowOptions, 'username'> {
  serviceNowUser?: string;
  agentDelayMs?: number;
  /** Deliver the agent's lifecycle events to OpsLoop (default true). */
  agentEvents?: boolean;
  /** Investigations the sandbox Agent Space runs at once (default 3). */
  agentConcurrency?: number;
  /** A fresh folder for the policy, the catalog and the audit file. */
  dir: string;
  policy: Policy;
  catalog?: Catalog;
  /** PagerDuty integration keys by the variable a route's `routingKey: ${NAME}` reads (the worker's environment). */
  pagerDutyRoutingKeys?: Record<string, string>;
}

export interface SandboxWorld {
  slack: FakeSlack;
  servicenow: FakeServiceNow;
  agent: FakeAgent;
  pagerduty: FakePagerDuty;
  serviceNowUser: string;
  businessRule: BusinessRuleTarget;
  secrets: SandboxSecrets;
  /** What OpsLoop's API and worker need to run against this world; Temporal's variables are the starter's. */
  env: OpsLoopEnv;
  stop: () => Promise<void>;
}

/** All four fakes and the files, for a starter that fakes everything (tests, bench). */
export async function startSandboxWorld(o: SandboxWorldOptions): Promise<SandboxWorld> {
  const closers: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.all(closers.map((close) => close().catch(() => undefined)));
  };
  try {
    const slack = await startSandboxSlack();
    closers.push(slack.fake.close);
    const servicenow = await startSandboxServiceNow({ ...o, username: o.serviceNowUser });
    closers.push(servicenow.fake.close);
    const agent = await startSandboxAgent({ apiUrl: o.apiUrl, delayMs: o.agentDelayMs, events: o.agentEvents, concurrency: o.agentConcurrency });
    closers.push(agent.fake.close);
    const pagerduty = await startSandboxPagerDuty(o.pagerDutyRoutingKeys);
    closers.push(pagerduty.fake.close);
    return {
      slack: slack.fake,
      servicenow: servicenow.fake,
      agent: agent.fake,
      pagerduty: pagerduty.fake,
      serviceNowUser: servicenow.username,
      businessRule: servicenow.businessRule,
      secrets: { ...slack.secrets, ...servicenow.secrets, ...agent.secrets, ...pagerduty.secrets },
      env: { ...slack.env, ...servicenow.env, ...agent.env, ...pagerduty.env, ...writeSandboxFiles(o.dir, { policy: o.policy, catalog: o.catalog }) },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
