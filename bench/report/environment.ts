import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release, totalmem } from 'node:os';
import { promisify } from 'node:util';
import { effectiveTuning, type DevServerOptions } from '../../src/local/dev-server';
import { PROJECT_ROOT } from '../../src/local/paths';

const run = promisify(execFile);

async function output(cmd: string, args: string[]): Promise<string> {
  try {
    return (await run(cmd, args, { cwd: PROJECT_ROOT })).stdout.trim();
  } catch {
    return 'unknown';
  }
}

const cpuModel = (): string => {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
};

const packageVersion = (name: string): string => {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

export type Environment = Record<string, string | number | boolean>;

const SQLITE_LABEL = { cli: "SQLite: the CLI's defaults", wal: 'journal_mode=WAL, synchronous=NORMAL', 'wal-unsynced': 'journal_mode=WAL, synchronous=OFF' } as const;

/** The dev server's settings in one line, e.g. "journal_mode=WAL, synchronous=OFF · 1 task-queue partition · eager activities". */
export function describeTuning(o: Pick<DevServerOptions, 'tuning' | 'fastSqlite'>): string {
  const t = effectiveTuning(o);
  const partitions = t.taskQueuePartitions === undefined ? "the server's task-queue partitions (4)" : `${t.taskQueuePartitions} task-queue partition${t.taskQueuePartitions === 1 ? '' : 's'}`;
  return [SQLITE_LABEL[t.sqlite], partitions, t.eagerActivities ? 'eager activities' : 'no eager activities'].join(' · ');
}

/** What a reader needs to judge or reproduce a run. Load average shows whether the machine was shared meanwhile. */
export async function environment(cliPath: string, extra: Environment): Promise<Environment> {
  const [commit, dirty, cli] = await Promise.all([
    output('git', ['rev-parse', '--short', 'HEAD']),
    output('git', ['status', '--porcelain']),
    output(cliPath, ['--version']),
  ]);
  return {
    node: process.version,
    nproc: availableParallelism(),
    cpu: cpuModel(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    commit: dirty && dirty !== 'unknown' ? `${commit} (with uncommitted changes)` : commit,
    temporalCli: cli,
    temporalSdk: packageVersion('@temporalio/worker'),
    slackBolt: packageVersion('@slack/bolt'),
    loadAverage1mBeforeFigures: Math.round(loadavg()[0]! * 100) / 100,
    ...extra,
  };
}
