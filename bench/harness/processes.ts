import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../../src/local/paths';

export interface ManagedChild {
  readonly name: string;
  readonly pid: number;
  /** When the process was spawned (Date.now()). */
  readonly startedAt: number;
  running(): boolean;
  /** Resolves with the first output line matching `pattern` (already printed lines count). */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  onLine(listener: (line: string) => void): void;
  /** The last lines the process printed, for error messages. */
  tail(): string;
  /** SIGKILL, as a crash or the OOM killer would; resolves once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
}

const TAIL_LINES = 40;
const STOP_GRACE_MS = 10_000;

export interface SpawnOptions {
  /** Modules loaded (with --import, after tsx) before the entry point: measurement hooks that leave src/ untouched. */
  preload?: string[];
  /** Extra node flags, e.g. --cpu-prof (which NODE_OPTIONS does not allow). */
  nodeArgs?: string[];
  /** Called with every line the process prints. */
  echo?: (line: string) => void;
}

/**
 * Runs one TypeScript entry point of the repository through tsx, as src/local/child-process.ts does, plus optional
 * preloads (which that helper cannot pass), as a child process we can watch and kill.
 */
export function spawnEntry(name: string, entry: string, env: NodeJS.ProcessEnv, options: SpawnOptions = {}): ManagedChild {
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  const preloads = (options.preload ?? []).flatMap((p) => ['--import', p]);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', ...preloads, entry], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      for (const listener of listeners) listener(line);
      options.echo?.(`[${name}] ${line}`);
    });
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${name} (${entry})`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const kill = async (signal: NodeJS.Signals) => {
    if (!running()) return;
    child.kill(signal);
    await exited;
  };

  return {
    name,
    pid,
    startedAt: Date.now(),
    running,
    onLine: (listener) => listeners.add(listener),
    tail: () => lines.join('\n'),
    waitForLine(pattern, timeoutMs) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms\n${lines.join('\n')}`));
        }, timeoutMs);
        const listener = (line: string) => {
          if (!pattern.test(line)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(line);
        };
        listeners.add(listener);
      });
    },
    kill9: () => kill('SIGKILL'),
    async stop() {
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await kill('SIGTERM');
      clearTimeout(timer);
    },
  };
}
