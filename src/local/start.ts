import { join } from 'node:path';
import { dataDir as resolveDataDir } from '../config/data-dir';
import { sandboxPolicy } from '../policy/sandbox-policy';
import { sandboxCatalog } from '../runbook/sandbox-catalog';
import { sandboxUsers, startSandboxConsole } from '../sandbox/console';
import { runResolveDemo } from '../sandbox/demo';
import { runIncidentDemo, type DemoIncident } from '../sandbox/incident-demo';
import { writeSandboxFiles } from '../sandbox/sandbox-files';
import { SANDBOX_ROUTE_CHANNELS, SANDBOX_ROUTES, startSandboxRoutesPagerDuty } from '../sandbox/sandbox-routes';
import { startSandboxAgent, startSandboxServiceNow, startSandboxSlack } from '../sandbox/world';
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

/** The second incident loop's incident, for the sandbox's database route. */
const DATABASE_DEMO_INCIDENT: DemoIncident = {
  short_description: 'Orders database errors above 1% after failover',
  description: 'orders-db reports failed transactions since the 09:40 UTC replica failover.',
  priority: '2',
  assignment_group: 'Database',
  cmdb_ci: 'orders-db',
};

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

    const apiUrl = `http://localhost:${apiPort}`;
    const demoApprover = 'U0DEMOSRE';
    const fakeSlack = !env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET;
    // The sandbox policy's routes name channels only the sandbox workspace has.
    const routes = !env.OPSLOOP_POLICY_FILE && fakeSlack ? SANDBOX_ROUTES : [];
    const childEnv: NodeJS.ProcessEnv = {
      ...env,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_UI_URL: uiUrl,
      PORT: String(apiPort),
      LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
      ...writeSandboxFiles(dataDir, {
        // The permissive sandbox policy: everyone operates, the demo user approves (see policy.example.yaml for real use).
        policy: env.OPSLOOP_POLICY_FILE ? undefined : sandboxPolicy([demoApprover], [demoApprover], routes),
        // A tiny sandbox catalog: `/ops run ping sandbox` checks OpsLoop's own API.
        catalog: env.OPSLOOP_ACTIONS_FILE ? undefined : sandboxCatalog(`${apiUrl}/healthz`),
      }),
    };
    // Each system without credentials in the environment is faked.
    const slack = fakeSlack ? await startSandboxSlack() : undefined;
    if (routes.length > 0) for (const channel of Object.values(SANDBOX_ROUTE_CHANNELS)) slack?.fake.channels.add(channel);
    // Incident workflow ids outlive a run in .data/: new sandbox incidents get numbers no earlier run used.
    const firstNumber = 1_000_000 + (Math.floor(Date.now() / 1000) % 8_000_000);
    const servicenow = !env.SERVICENOW_INSTANCE_URL ? await startSandboxServiceNow({ apiUrl, firstNumber }) : undefined;
    const agent = !env.AGENT_WEBHOOK_URL && !env.AWS_DEVOPS_AGENT_SPACE_ID ? await startSandboxAgent({ apiUrl, delayMs: 500 }) : undefined;
    // The routes' on-call: its routing keys, minted for this run, reach the worker under the names the routes read.
    const pagerduty = routes.length > 0 && !env.PAGERDUTY_EVENTS_URL && !env.PAGERDUTY_API_TOKEN ? await startSandboxRoutesPagerDuty() : undefined;
    for (const sandbox of [slack, servicenow, agent, pagerduty]) {
      if (!sandbox) continue;
      stoppers.push(sandbox.fake.close);
      Object.assign(childEnv, sandbox.env);
    }
    if (agent) childEnv.OPSLOOP_FINDINGS_TIMEOUT_MS = env.OPSLOOP_FINDINGS_TIMEOUT_MS ?? '60000';
    // The demo approver is a Slack member and a ServiceNow user with the same e-mail: resolved_by names them.
    slack?.fake.users.set({ id: demoApprover, name: 'demo.sre', email: 'demo.sre@sandbox.example' });
    servicenow?.fake.tables.addUser({ user_name: 'demo.sre', name: 'Demo SRE', email: 'demo.sre@sandbox.example' });

    const onLine = (name: string) => (line: string) => print(`[${name}] ${line}`);
    const worker: RunningChild = startEntryPoint('worker', 'src/worker/main.ts', { env: childEnv, onLine: onLine('worker') });
    stoppers.push(worker.stop);
    const api: RunningChild = startEntryPoint('api', 'src/api/main.ts', { env: childEnv, onLine: onLine('api') });
    stoppers.push(api.stop);
    await waitForHttp(`${apiUrl}/healthz`, 60_000, () => !api.running());
    // Its own loopback port: the console reads the fakes' memory, which lives in this process, not the API's.
    const sandboxConsole =
      slack && servicenow
        ? await startSandboxConsole(
            { slack: slack.fake, servicenow: servicenow.fake, pagerduty: pagerduty && { fake: pagerduty.fake, routingKeyNames: pagerduty.routingKeyNames }, apiUrl, signingSecret: slack.secrets.SLACK_SIGNING_SECRET, webUiUrl: uiUrl, namespace: env.TEMPORAL_NAMESPACE, users: sandboxUsers([demoApprover], { [demoApprover]: 'demo.sre' }) },
            Number(env.OPSLOOP_CONSOLE_PORT ?? apiPort + 1),
          )
        : undefined;
    if (sandboxConsole) stoppers.push(sandboxConsole.close);

    print('');
    print('OpsLoop is running.');
    if (sandboxConsole) print(`  sandbox console    ${sandboxConsole.url}  ← open this to click an incident through the loop`);
    print(`  API                ${apiUrl}  (Slack: ${apiUrl}/slack/commands)`);
    print(`  Temporal Web UI    ${uiUrl}/namespaces/${env.TEMPORAL_NAMESPACE ?? 'default'}/workflows`);
    if (slack) print(`  sandbox Slack      ${slack.fake.url}/api/`);
    if (servicenow) print(`  sandbox ServiceNow ${servicenow.fake.url}/api/now/table/incident`);
    if (agent) print(`  sandbox agent      ${agent.fake.url}`);
    if (pagerduty) print(`  sandbox PagerDuty  ${pagerduty.fake.url}/v2/enqueue`);
    if (routes.length > 0) print(`  routes             ${routes.map((r) => `${r.name} → ${r.channel}`).join(', ')}, the rest → ${childEnv.SLACK_INCIDENT_CHANNEL ?? '?'}`);
    print('');

    if (slack && servicenow && !flags.has('--no-demo')) {
      const result = await runResolveDemo({
        apiUrl,
        signingSecret: slack.secrets.SLACK_SIGNING_SECRET,
        slack: slack.fake,
        servicenow: servicenow.fake,
        incidentNumber: 'INC0010001',
        print,
      });
      const runUrl = (id: string) => `${uiUrl}/namespaces/${env.TEMPORAL_NAMESPACE ?? 'default'}/workflows/${encodeURIComponent(id)}`;
      print(`Demo: ${result.ok ? 'RESOLVED' : 'NOT RESOLVED'}. The run in the Temporal Web UI: ${runUrl(result.workflowId)}`);
      print('');
      const loopOptions = { apiUrl, signingSecret: slack.secrets.SLACK_SIGNING_SECRET, slack: slack.fake, servicenow: servicenow.fake, approverId: demoApprover, print };
      const loop = await runIncidentDemo({ ...loopOptions, pagerduty: pagerduty?.fake });
      print(`Demo: incident loop ${loop.ok ? 'COMPLETED' : 'DID NOT COMPLETE'}. The run in the Temporal Web UI: ${runUrl(loop.workflowId)}`);
      // With routes, a second incident of the other route: its thread opens in a channel of its own.
      let second = { ok: true };
      if (routes.length > 0) {
        print('');
        const loop2 = await runIncidentDemo({ ...loopOptions, incident: DATABASE_DEMO_INCIDENT });
        print(`Demo: incident loop (database route) ${loop2.ok ? 'COMPLETED' : 'DID NOT COMPLETE'}. The run in the Temporal Web UI: ${runUrl(loop2.workflowId)}`);
        second = loop2;
      }
      if (flags.has('--exit-after-demo')) {
        await shutdown();
        return result.ok && loop.ok && second.ok ? 0 : 1;
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
