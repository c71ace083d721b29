import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { runResolveDemo } from '../sandbox/demo';
import { startFakeAgent, type FakeAgent } from '../sandbox/fake-agent';
import { runIncidentDemo } from '../sandbox/incident-demo';
import { startFakeServiceNow, type FakeServiceNow } from '../sandbox/fake-servicenow';
import { startFakeSlack, type FakeSlack } from '../sandbox/fake-slack';
import { sandboxUsers, startSandboxConsole } from '../sandbox/console';
import { writeFileSync } from 'node:fs';
import { dataDir as resolveDataDir } from '../config/data-dir';
import { sandboxPolicy } from '../policy/sandbox-policy';
import { sandboxCatalog } from '../runbook/sandbox-catalog';
import { startEntryPoint, waitForHttp, type RunningChild } from './child-process';
import { startDevServer, type DevServer } from './dev-server';
import { ensureTemporalCli } from './temporal-cli';

/**
 * `npm start`: the whole of OpsLoop on one machine. A Temporal dev server (SQLite under .data/, Web UI), the worker
 * and the API as child processes, and — where no Slack / ServiceNow credentials are set — fakes that speak their
 * real HTTP protocols, then a demo incident driven through all of it.
 *
 * Flags: --exit-after-demo (stop once the demo has run; exit 1 if it did not resolve), --no-demo.
 * Ports: PORT (API, 3000), TEMPORAL_DEV_PORT (7233), TEMPORAL_UI_PORT (8233); OPSLOOP_DATA_DIR (.data).
 */
const print = (line: string) => process.stdout.write(`${line}\n`);
const flags = new Set(process.argv.slice(2));
const env = process.env;

async function main(): Promise<number> {
  const stoppers: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      print(`\n${signal}: stopping OpsLoop…`);
      void shutdown().then(() => process.exit(0));
    });
  }

  try {
    const apiPort = Number(env.PORT ?? 3000);
    const dataDir = resolveDataDir(env.OPSLOOP_DATA_DIR);

    let temporalAddress = env.TEMPORAL_ADDRESS;
    let uiUrl = env.TEMPORAL_UI_URL ?? 'http://localhost:8233';
    if (!temporalAddress) {
      const cliPath = await ensureTemporalCli({ log: print });
      const dbFile = join(dataDir, 'temporal.db');
      print(`Starting the Temporal dev server (data: ${dbFile})…`);
      const server: DevServer = await startDevServer({
        cliPath,
        port: Number(env.TEMPORAL_DEV_PORT ?? 7233),
        uiPort: Number(env.TEMPORAL_UI_PORT ?? 8233),
        dbFile,
      });
      stoppers.push(server.stop);
      temporalAddress = server.address;
      uiUrl = server.uiUrl ?? uiUrl;
    }

    const sandboxSlack = !env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET;
    const sandboxServiceNow = !env.SERVICENOW_INSTANCE_URL;
    const childEnv: NodeJS.ProcessEnv = {
      ...env,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_UI_URL: uiUrl,
      PORT: String(apiPort),
      LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
    };
    let slack: FakeSlack | undefined;
    let servicenow: FakeServiceNow | undefined;
    let agent: FakeAgent | undefined;
    const apiUrl = `http://localhost:${apiPort}`;
    const demoApprover = 'U0DEMOSRE';
    if (sandboxSlack) {
      const botToken = `xoxb-sandbox-${randomBytes(8).toString('hex')}`;
      slack = await startFakeSlack({ botToken });
      stoppers.push(slack.close);
      Object.assign(childEnv, {
        SLACK_BOT_TOKEN: botToken,
        SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
        SLACK_API_URL: `${slack.url}/api/`,
        SLACK_INCIDENT_CHANNEL: 'C0INCIDENTS',
      });
    }
    if (!env.OPSLOOP_POLICY_FILE) {
      // The permissive sandbox policy: everyone operates, the demo user approves (see policy.example.yaml for real use).
      const policyFile = join(dataDir, 'sandbox-policy.json');
      writeFileSync(policyFile, JSON.stringify(sandboxPolicy([demoApprover]), null, 2));
      childEnv.OPSLOOP_POLICY_FILE = policyFile;
    }
    if (!env.OPSLOOP_ACTIONS_FILE) {
      // A tiny sandbox catalog: `/ops run ping sandbox` checks OpsLoop's own API.
      const catalogFile = join(dataDir, 'sandbox-actions.json');
      writeFileSync(catalogFile, JSON.stringify(sandboxCatalog(`http://localhost:${apiPort}/healthz`), null, 2));
      childEnv.OPSLOOP_ACTIONS_FILE = catalogFile;
    }
    childEnv.OPSLOOP_DATA_DIR = dataDir;
    if (sandboxServiceNow) {
      const credentials = { username: 'opsloop.integration', password: randomBytes(12).toString('hex') };
      // Incident workflow ids outlive a run in .data/: new sandbox incidents get numbers no earlier run used.
      servicenow = await startFakeServiceNow({ ...credentials, firstNumber: 1_000_000 + (Math.floor(Date.now() / 1000) % 8_000_000) });
      stoppers.push(servicenow.close);
      const webhookSecret = randomBytes(20).toString('hex');
      // As the rule generated with --skip-user: OpsLoop's own writes are not sent back to it.
      servicenow.installBusinessRule({ url: apiUrl, secret: webhookSecret, skipUser: credentials.username });
      Object.assign(childEnv, {
        SERVICENOW_INSTANCE_URL: servicenow.url,
        SERVICENOW_USERNAME: credentials.username,
        SERVICENOW_PASSWORD: credentials.password,
        SERVICENOW_WEBHOOK_SECRET: webhookSecret,
      });
    }
    if (!env.AGENT_WEBHOOK_URL) {
      const secrets = { webhook: randomBytes(20).toString('hex'), callback: randomBytes(20).toString('hex') };
      agent = await startFakeAgent({ secret: secrets.webhook, auth: 'hmac', callback: { url: apiUrl, secret: secrets.callback }, delayMs: 500 });
      stoppers.push(agent.close);
      Object.assign(childEnv, {
        AGENT_WEBHOOK_URL: agent.url,
        AGENT_WEBHOOK_SECRET: secrets.webhook,
        AGENT_AUTH: 'hmac',
        AGENT_CALLBACK_SECRET: secrets.callback,
        OPSLOOP_FINDINGS_TIMEOUT_MS: env.OPSLOOP_FINDINGS_TIMEOUT_MS ?? '60000',
      });
    }

    const worker: RunningChild = startEntryPoint('worker', 'src/worker/main.ts', childEnv, print);
    stoppers.push(worker.stop);
    const api: RunningChild = startEntryPoint('api', 'src/api/main.ts', childEnv, print);
    stoppers.push(api.stop);
    await waitForHttp(`${apiUrl}/healthz`, 60_000, () => api.process.exitCode !== null);
    // Its own loopback port: the console reads the fakes' memory, which lives in this process, not the API's.
    const sandboxConsole =
      slack && servicenow
        ? await startSandboxConsole(
            { slack, servicenow, apiUrl, signingSecret: String(childEnv.SLACK_SIGNING_SECRET), webUiUrl: uiUrl, namespace: env.TEMPORAL_NAMESPACE, users: sandboxUsers([demoApprover], { [demoApprover]: 'demo.sre' }) },
            Number(env.OPSLOOP_CONSOLE_PORT ?? apiPort + 1),
          )
        : undefined;
    if (sandboxConsole) stoppers.push(sandboxConsole.close);

    print('');
    print('OpsLoop is running.');
    if (sandboxConsole) print(`  sandbox console    ${sandboxConsole.url}  ← open this to click an incident through the loop`);
    print(`  API                ${apiUrl}  (Slack: ${apiUrl}/slack/commands)`);
    print(`  Temporal Web UI    ${uiUrl}/namespaces/${env.TEMPORAL_NAMESPACE ?? 'default'}/workflows`);
    if (slack) print(`  sandbox Slack      ${slack.url}/api/`);
    if (servicenow) print(`  sandbox ServiceNow ${servicenow.url}/api/now/table/incident`);
    if (agent) print(`  sandbox agent      ${agent.url}`);
    print('');

    if (slack && servicenow && !flags.has('--no-demo')) {
      const result = await runResolveDemo({
        apiUrl,
        signingSecret: String(childEnv.SLACK_SIGNING_SECRET),
        slack,
        servicenow,
        incidentNumber: 'INC0010001',
        print,
      });
      const runUrl = (id: string) => `${uiUrl}/namespaces/${env.TEMPORAL_NAMESPACE ?? 'default'}/workflows/${encodeURIComponent(id)}`;
      print(`Demo: ${result.ok ? 'RESOLVED' : 'NOT RESOLVED'}. The run in the Temporal Web UI: ${runUrl(result.workflowId)}`);
      print('');
      const loop = await runIncidentDemo({ apiUrl, signingSecret: String(childEnv.SLACK_SIGNING_SECRET), slack, servicenow, approverId: demoApprover, print });
      print(`Demo: incident loop ${loop.ok ? 'COMPLETED' : 'DID NOT COMPLETE'}. The run in the Temporal Web UI: ${runUrl(loop.workflowId)}`);
      if (flags.has('--exit-after-demo')) {
        await shutdown();
        return result.ok && loop.ok ? 0 : 1;
      }
    } else if (flags.has('--exit-after-demo')) {
      await shutdown();
      return 0;
    }
    print('Press Ctrl-C to stop.');
    await new Promise<never>(() => undefined);
    return 0;
  } catch (err) {
    process.stderr.write(`opsloop: ${err instanceof Error ? err.message : String(err)}\n`);
    await shutdown();
    return 1;
  }
}

void main().then((code) => process.exit(code));
