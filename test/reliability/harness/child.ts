import { startEntryPoint } from '../../../src/local/child-process';

export interface Child {
  readonly name: string;
  /** The process id, for a last-resort kill when the driver itself exits abruptly. */
  readonly pid: number | undefined;
  running(): boolean;
  /** Resolves with the first line (already printed ones count) that matches. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** SIGKILL, as a crash or the OOM killer would; resolves once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
}

/**
 * Runs one of OpsLoop's entry points (through tsx) as a real process. Every line it prints is appended to `output`,
 * which the checker scans for secrets, so nothing is ever dropped.
 */
export function startChild(name: string, entry: 'src/api/main.ts' | 'src/worker/main.ts', env: Record<string, string>, output: string[]): Child {
  const waiters = new Set<(line: string) => void>();
  // A restarted process shares `output` with its predecessor: only its own lines count.
  const firstLine = output.length;
  const child = startEntryPoint(name, entry, { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, (line) => {
    output.push(line);
    for (const waiter of waiters) waiter(line);
  });
  const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
  const running = () => child.process.exitCode === null && child.process.signalCode === null;
  const ownLines = () => output.slice(firstLine).filter((l) => l.startsWith(`[${name}] `));

  return {
    name,
    pid: child.process.pid,
    running,
    waitForLine(pattern, timeoutMs) {
      const seen = ownLines().find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const fail = (why: string) => {
          waiters.delete(waiter);
          clearTimeout(timer);
          reject(new Error(`${name}: ${why} before a line matching ${pattern}\n${ownLines().slice(-30).join('\n')}`));
        };
        const timer = setTimeout(() => fail(`${timeoutMs} ms passed`), timeoutMs);
        void exited.then(() => fail('the process exited'));
        const waiter = (line: string) => {
          if (!line.startsWith(`[${name}] `) || !pattern.test(line)) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          resolve(line);
        };
        waiters.add(waiter);
      });
    },
    async kill9() {
      if (!running()) return;
      child.process.kill('SIGKILL');
      await exited;
    },
    stop: () => child.stop(),
  };
}
