import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ServiceProcessOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  /** Every line the process prints is appended here, across restarts. */
  logFile: string;
  /** Resolves once the freshly started process serves; rejects when it cannot. */
  ready: (process: ServiceProcess, since: number) => Promise<void>;
  readyTimeoutMs: number;
}

/**
 * One long-running server process that a test may SIGKILL and start again in place (same command, same ports).
 * It keeps the lines printed since its latest start, so readiness can wait for a line a restart prints.
 */
export interface ServiceProcess {
  readonly name: string;
  pid(): number | undefined;
  running(): boolean;
  /** Resolves with the first line printed since `since` (a line number) that matches. */
  waitForLine(pattern: RegExp, since: number, timeoutMs: number): Promise<string>;
  /** Lines printed so far by this process and its predecessors. */
  lineCount(): number;
  /** The last lines printed, for error messages. */
  tail(lines?: number): string;
  /** SIGKILL, as a crash or the OOM killer would; resolves once the process is gone. */
  kill9(): Promise<void>;
  /** Starts it again; resolves with the milliseconds until it served. */
  start(): Promise<number>;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
}

/** Temporal's services drain for a few seconds on SIGTERM; beyond this they are killed. */
const STOP_GRACE_MS = 15_000;

export function serviceProcess(o: ServiceProcessOptions): ServiceProcess {
  const lines: string[] = [];
  /** Lines dropped from the front of `lines`: line numbers stay valid however long the run. */
  let dropped = 0;
  const waiters = new Set<(line: string) => void>();
  let log: WriteStream | undefined;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const onLine = (line: string) => {
    lines.push(line);
    // Keep what a waiter or an error message needs; the log file has everything.
    if (lines.length > 20_000) {
      lines.splice(0, 10_000);
      dropped += 10_000;
    }
    log?.write(`${line}\n`);
    for (const waiter of waiters) waiter(line);
  };

  const self: ServiceProcess = {
    name: o.name,
    pid: () => child?.pid,
    running,
    lineCount: () => dropped + lines.length,
    tail: (n = 20) => lines.slice(-n).join('\n'),
    waitForLine(pattern, since, timeoutMs) {
      const seen = lines.slice(Math.max(0, since - dropped)).find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${o.name}: no line matching ${pattern} within ${timeoutMs} ms\n${self.tail()}`));
        }, timeoutMs);
        const waiter = (line: string) => {
          if (!pattern.test(line)) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          resolve(line);
        };
        waiters.add(waiter);
      });
    },
    async start() {
      if (running()) throw new Error(`${o.name} is already running`);
      log ??= createWriteStream(o.logFile, { flags: 'a' });
      const since = self.lineCount();
      const started = Date.now();
      const next = spawn(o.command, o.args, { cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      child = next;
      exited = new Promise((resolve) => next.once('exit', () => resolve()));
      for (const stream of [next.stdout, next.stderr]) createInterface({ input: stream }).on('line', onLine);

      let timer: NodeJS.Timeout | undefined;
      const ready = o.ready(self, since);
      const died = exited.then(() => {
        throw new Error(`${o.name} exited (${next.exitCode ?? next.signalCode}) before it served:\n${self.tail()}`);
      });
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${o.name} did not serve within ${o.readyTimeoutMs} ms:\n${self.tail()}`)), o.readyTimeoutMs);
      });
      // Whichever loses the race settles later, unobserved.
      for (const p of [ready, died]) p.catch(() => undefined);
      try {
        await Promise.race([ready, died, timeout]);
      } catch (err) {
        await self.kill9();
        throw err;
      } finally {
        clearTimeout(timer);
      }
      return Date.now() - started;
    },
    async kill9() {
      if (!running()) return;
      child?.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (running()) {
        child?.kill('SIGTERM');
        const timer = setTimeout(() => child?.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      const closing = log;
      log = undefined;
      await new Promise<void>((resolve) => (closing ? closing.end(resolve) : resolve()));
    },
  };
  return self;
}
