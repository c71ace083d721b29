import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from './paths';

/** One of OpsLoop's entry points running as a child process that its starter can watch, stop and kill. */
export interface RunningChild {
  readonly name: string;
  readonly pid: number;
  /** When the process was spawned (Date.now()). */
  readonly startedAt: number;
  running(): boolean;
  /** Resolves with the exit code once the process is gone (null: ended by a signal). */
  exited(): Promise<number | null>;
  /** Resolves with the first line matching `pattern`, among the recent lines already printed or those to come. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Calls `listener` with every line printed from now on. */
  onLine(listener: (line: string) => void): void;
  /** The last lines the process printed, for error messages. */
  tail(): string;
  /** SIGKILL, as a crash or the OOM killer would; resolves once the process is gone. */
  kill9: () => Promise<void>;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. */
  stop: () => Promise<void>;
}

export interface EntryPointOptions {
  /** The whole environment of the child; nothing is inherited. */
  env: NodeJS.ProcessEnv;
  /** Called with every line the process prints (stdout and stderr), without a prefix. */
  onLine?: (line: string) => void;
  /** How long stop() waits after SIGTERM before SIGKILL; the worker drains in-flight activities meanwhile. */
  stopGraceMs?: number;
}

/** Kept for tail() and waitForLine(): enough for a start-up banner and a stack trace. */
const KEPT_LINES = 100;
/** Above the worker's 20 s shutdown grace, so a draining worker is not killed halfway. */
const DEFAULT_STOP_GRACE_MS = 25_000;
const OPSLOOP_SETTING = /^(OPSLOOP_|SLACK_|SERVICENOW_|AGENT_|TEMPORAL_|DATABASE_URL$|PORT$|LOG_LEVEL$)/;

/** This process's environment without any OpsLoop setting, so a developer's shell cannot leak into a child's. */
export function hermeticEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !OPSLOOP_SETTING.test(key)));
}

/**
 * Runs one TypeScript entry point of the repository (e.g. src/worker/main.ts) through tsx, as `node --import tsx`
 * rather than through npm, so the pid is the worker's own (the SDK names a worker `pid@host`).
 */
export function startEntryPoint(name: string, entry: string, options: EntryPointOptions): RunningChild {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: PROJECT_ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${name} (${entry})`);
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > KEPT_LINES) lines.shift();
      options.onLine?.(line);
      for (const listener of listeners) listener(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  const tail = () => lines.join('\n');

  return {
    name,
    pid,
    startedAt: Date.now(),
    running,
    exited: () => exited,
    tail,
    onLine: (listener) => void listeners.add(listener),
    waitForLine(pattern, timeoutMs) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const settle = () => {
          listeners.delete(listener);
          clearTimeout(timer);
        };
        const fail = (why: string) => {
          settle();
          reject(new Error(`${name}: ${why} before a line matching ${pattern}\n${tail()}`));
        };
        const listener = (line: string) => {
          if (!pattern.test(line)) return;
          settle();
          resolve(line);
        };
        const timer = setTimeout(() => fail(`${timeoutMs} ms passed`), timeoutMs);
        listeners.add(listener);
        void exited.then(() => fail('the process exited'));
      });
    },
    async kill9() {
      if (!running()) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!running()) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves once `url` answers 2xx; throws when `isDead()` says its server exited, or after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, isDead: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (isDead()) throw new Error(`process serving ${url} exited`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
