import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../helpers/free-port';

const ROOT = resolve(__dirname, '..', '..');

interface Run {
  code: number | null;
  output: string;
}

/** Runs `npm start`'s entry point as a user would, on ports of its own, optionally interrupting it like Ctrl-C. */
async function npmStart(env: NodeJS.ProcessEnv, args: string[], interruptWhen?: RegExp): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/local/start.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (interruptWhen?.test(output) && child.exitCode === null) {
      interruptWhen = undefined;
      child.kill('SIGINT');
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
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

describe('npm start (the embedded default)', () => {
  it('runs the demo end to end, reuses its data file and audit files, and stops every process on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'opsloop-start-'));
    const ports = { PORT: await freePort(), TEMPORAL_DEV_PORT: await freePort(), TEMPORAL_UI_PORT: await freePort() };
    const env = { OPSLOOP_DATA_DIR: dataDir, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) };
    for (const key of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SERVICENOW_INSTANCE_URL', 'TEMPORAL_ADDRESS']) env[key as keyof typeof env] = '';

    const first = await npmStart(env, ['--exit-after-demo']);
    expect(first.output).toContain(':white_check_mark: INC0010001 resolved by <@U0DEMOSRE>.');
    expect(first.output).toContain('ServiceNow now shows INC0010001 state=6');
    expect(first.output).toContain(`Demo: RESOLVED. The run in the Temporal Web UI: http://localhost:${ports.TEMPORAL_UI_PORT}/namespaces/default/workflows/incident%2FINC0010001%2Fresolution`);
    expect(first.output).toMatch(/Demo: Slack thread opened in C0INCIDENTS/);
    // The sandbox agent's plan ("Restart the `payments-api` service …") is mapped by the sandbox catalog's proposals:.
    expect(first.output).toContain('Demo: the agent proposes the catalog action `restart-service payments-api`');
    expect(first.output).toMatch(/Demo: ServiceNow shows INC\d+ Resolved/);
    expect(first.output).toMatch(/Demo: incident loop COMPLETED\. The run in the Temporal Web UI: http:\/\/localhost:\d+\/namespaces\/default\/workflows\/incident%2FINC\d+/);
    expect(first.code).toBe(0);
    expect(existsSync(join(dataDir, 'temporal.db'))).toBe(true);

    const second = await npmStart(env, [], /Press Ctrl-C to stop/);
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
