import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ConsoleState } from '../../src/sandbox/console/snapshot';
import { eventually } from '../helpers/eventually';
import { freePort } from '../helpers/free-port';

const ROOT = resolve(__dirname, '..', '..');

interface Run {
  code: number | null;
  output: string;
}

/**
 * Runs `npm start`'s entry point as a user would, on ports of its own, optionally interrupting it like Ctrl-C once its
 * output matches `interruptWhen` and `whileRunning` (given the output so far) has finished; what it threw is rethrown.
 */
async function npmStart(env: NodeJS.ProcessEnv, args: string[], interruptWhen?: RegExp, whileRunning?: (output: string) => Promise<void>): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/local/start.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let checked: Promise<unknown> = Promise.resolve();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (interruptWhen?.test(output) && child.exitCode === null) {
      interruptWhen = undefined;
      checked = (whileRunning?.(output) ?? Promise.resolve()).finally(() => child.kill('SIGINT'));
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  await checked;
  return { code, output };
}

const portIsClosed = (port: number) =>
  new Promise<boolean>((r) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      r(false);
    });
    socket.once('error', () => r(true));
  });

/** The sandbox console's state and form, over HTTP, as its page uses them. */
const consoleAt = (url: string) => ({
  state: async () => (await (await fetch(`${url}/api/state`)).json()) as ConsoleState,
  openIncident: async (fields: Record<string, string>) => {
    const res = await fetch(`${url}/api/incidents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fields) });
    expect(res.status).toBe(201);
    return ((await res.json()) as { number: string }).number;
  },
  command: async (userId: string, line: string) => {
    const res = await fetch(`${url}/api/command`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, line }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { id: number }).id;
  },
});

/** While the second run waits: its routes' channels and the pages, as the console shows them; a P1 of the payments route pages. */
async function routesAndPagesInTheConsole(output: string): Promise<void> {
  const url = /sandbox console\s+(http:\/\/\S+)/.exec(output)?.[1];
  if (!url) throw new Error(`npm start printed no console URL:\n${output}`);
  const sandboxConsole = consoleAt(url);
  const before = await sandboxConsole.state();
  const channel = (id: string) => before.channels.find((c) => c.id === id);
  expect(channel('C0PAYMENTS')).toMatchObject({ name: 'payments-incidents' });
  expect(channel('C0DATABASE')).toMatchObject({ name: 'database-incidents' });
  expect(channel('C0INCIDENTS')).toMatchObject({ name: 'incidents' });
  // Each demo loop's thread opened in its route's channel (the reconcile schedule may add seeds' threads meanwhile).
  expect(channel('C0PAYMENTS')!.threads.map((t) => t.text)).toContainEqual(expect.stringContaining('Payments API 5xx error rate above 5%'));
  expect(channel('C0DATABASE')!.threads.map((t) => t.text)).toContainEqual(expect.stringContaining('Orders database errors above 1% after failover'));
  // The demo's page, resolved once approved; the console names the routing key's variable, never the key.
  expect(before.pages).toEqual([expect.objectContaining({ route: 'payments', level: 1, routingKeyName: 'PAGERDUTY_ROUTING_KEY_PAYMENTS', status: 'resolved', severity: 'critical' })]);

  const number = await sandboxConsole.openIncident({ short_description: 'Card authorisations failing', priority: '1', assignment_group: 'Payments SRE', cmdb_ci: 'payments-api' });
  const page = await eventually(async () => (await sandboxConsole.state()).pages?.find((p) => p.incident === number), 30_000, 'the P1 paged in the console');
  expect(page).toMatchObject({ dedupKey: `opsloop/${number}/level-1`, route: 'payments', level: 1, routingKeyName: 'PAGERDUTY_ROUTING_KEY_PAYMENTS', status: 'triggered' });
  expect(page.summary).toContain('Card authorisations failing');
  const after = await sandboxConsole.state();
  expect(after.channels.find((c) => c.id === 'C0PAYMENTS')!.threads.some((t) => t.text.startsWith(`${number} ·`))).toBe(true);
  expect(JSON.stringify(after.pages)).not.toMatch(/[0-9a-f]{32}/);

  // The payments route's escalation policy, read from the PagerDuty fake's on-calls.
  const asked = await sandboxConsole.command('U0DEMOSRE', '/ops oncall payments');
  const answered = await eventually(async () => {
    const entry = (await sandboxConsole.state()).log.find((e) => e.id === asked);
    const text = [entry?.answer ?? '', ...(entry?.replies.map((r) => `${r.text} ${JSON.stringify(r.blocks)}`) ?? [])].join('\n');
    return text.includes('Rio Payments (sandbox)') && text;
  }, 15_000, 'the on-call answer');
  expect(answered).toContain('Kim Escalation (sandbox)');
}

describe('npm start (the embedded default)', () => {
  it('runs the demo end to end, reuses its data file and audit files, and stops every process on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'opsloop-start-'));
    const ports = { PORT: await freePort(), TEMPORAL_DEV_PORT: await freePort(), TEMPORAL_UI_PORT: await freePort(), OPSLOOP_CONSOLE_PORT: await freePort() };
    const env = { OPSLOOP_DATA_DIR: dataDir, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) };
    for (const key of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SERVICENOW_INSTANCE_URL', 'TEMPORAL_ADDRESS', 'OPSLOOP_POLICY_FILE', 'PAGERDUTY_EVENTS_URL', 'PAGERDUTY_API_TOKEN']) env[key as keyof typeof env] = '';

    const first = await npmStart(env, ['--exit-after-demo']);
    expect(first.output).toContain(':white_check_mark: INC0010001 resolved by <@U0DEMOSRE>.');
    expect(first.output).toContain('ServiceNow now shows INC0010001 state=6');
    expect(first.output).toContain(`Demo: RESOLVED. The run in the Temporal Web UI: http://localhost:${ports.TEMPORAL_UI_PORT}/namespaces/default/workflows/incident%2FINC0010001%2Fresolution`);
    // The sandbox policy's routes: the P1 of Payments SRE opens in its channel and pages its on-call; Database's in its own.
    expect(first.output).toContain('routes             payments → C0PAYMENTS, database → C0DATABASE, the rest → C0INCIDENTS');
    expect(first.output).toMatch(/Demo: Slack thread opened in C0PAYMENTS/);
    expect(first.output).toMatch(/Demo: PagerDuty paged the route's on-call at once \(P1\): alert #1 triggered/);
    expect(first.output).toContain('Demo: PagerDuty alert #1 is resolved too');
    expect(first.output).toMatch(/Demo: Slack thread opened in C0DATABASE/);
    expect(first.output).toContain('Demo: the agent\'s findings are in the thread: "A configuration change shipped with the latest');
    expect(first.output).toMatch(/Demo: incident loop \(database route\) COMPLETED\./);
    // The sandbox agent's plan ("Restart the `payments-api` service …") is mapped by the sandbox catalog's proposals:.
    expect(first.output).toContain('Demo: the agent proposes the catalog action `restart-service payments-api`');
    expect(first.output).toMatch(/Demo: ServiceNow shows INC\d+ Resolved/);
    expect(first.output).toMatch(/Demo: incident loop COMPLETED\. The run in the Temporal Web UI: http:\/\/localhost:\d+\/namespaces\/default\/workflows\/incident%2FINC\d+/);
    expect(first.code).toBe(0);
    expect(existsSync(join(dataDir, 'temporal.db'))).toBe(true);

    const second = await npmStart(env, [], /Press Ctrl-C to stop/, routesAndPagesInTheConsole);
    expect(second.output).toContain('Demo: RESOLVED.');
    expect(second.output).toContain('Demo: incident loop COMPLETED.');
    expect(second.output).toContain('SIGINT: stopping OpsLoop');
    expect(second.code).toBe(0);
    for (const port of Object.values(ports)) expect(await portIsClosed(port)).toBe(true);
    // The API and the worker each write an audit file of their own in the one data folder, and let go of it on exit.
    const files = readdirSync(dataDir);
    expect(files).toContain('audit-worker.jsonl');
    expect(files.filter((f) => f.includes('.lock'))).toEqual([]);
  });
});
