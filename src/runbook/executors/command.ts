import { spawn } from 'node:child_process';
import type { ActionResult, ExecutionPlan } from '../../contracts/runbook';
import { excerpt } from './truncate';

type CommandPlan = Extract<ExecutionPlan, { type: 'command' }>;

/** Kept in memory per stream while the command runs; more is dropped (and said so in the excerpt). */
const MAX_CAPTURE = 64 * 1024;

export interface CommandHooks {
  /** Called every few seconds while the command runs (activity heartbeats). */
  onProgress?: () => void;
  /** Aborting kills the process (activity cancellation). */
  signal?: AbortSignal;
}

/**
 * Runs an allow-listed executable with an argument vector: no shell, so nothing from Slack is ever interpreted.
 * The environment is clean (PATH plus the named variables). Exceeding the timeout kills the process.
 */
export function runCommand(plan: CommandPlan, timeoutMs: number, env: NodeJS.ProcessEnv, hooks: CommandHooks = {}): Promise<ActionResult> {
  const started = Date.now();
  const cleanEnv: NodeJS.ProcessEnv = { PATH: env.PATH ?? '/usr/bin:/bin' };
  for (const name of plan.envNames) if (env[name] !== undefined) cleanEnv[name] = env[name];
  return new Promise((resolve) => {
    const child = spawn(plan.executable, plan.argv, { env: cleanEnv, shell: false, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      if (output.length < MAX_CAPTURE) output += chunk.toString();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let killedFor: 'timeout' | 'cancelled' | undefined;
    const kill = (why: 'timeout' | 'cancelled') => {
      killedFor ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill('timeout'), timeoutMs);
    const progress = setInterval(() => hooks.onProgress?.(), 2000);
    hooks.signal?.addEventListener('abort', () => kill('cancelled'), { once: true });
    const done = (code: number | null, error?: Error) => {
      clearTimeout(timer);
      clearInterval(progress);
      const durationMs = Date.now() - started;
      const summary =
        killedFor === 'timeout'
          ? `timed out after ${Math.round(timeoutMs / 1000)} s and was killed`
          : killedFor === 'cancelled'
            ? 'cancelled and killed'
            : error
              ? `could not start: ${error.message}`
              : `exited with code ${code}`;
      resolve({ ok: !killedFor && !error && code === 0, code: code ?? undefined, durationMs, excerpt: excerpt(output), summary });
    };
    child.once('error', (err) => done(null, err));
    child.once('close', (code) => done(code));
  });
}
