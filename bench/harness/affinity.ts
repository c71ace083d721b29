import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** CPU sets on 2 cores: the load generator on CPU 0, the HTTP candidate under test on CPU 1. */
export const GENERATOR_CPUS = '0';
export const CANDIDATE_CPUS = '1';
export const ALL_CPUS = `0-${Math.max(availableParallelism() - 1, 0)}`;

/** Why the last pinning failed, for the environment block. */
export let lastPinError: string | undefined;

/** True when `taskset` works here and there are at least two CPUs to split. */
export async function canPin(): Promise<boolean> {
  try {
    await run('taskset', ['-p', String(process.pid)]);
    return availableParallelism() >= 2;
  } catch (err) {
    lastPinError = err instanceof Error ? err.message : String(err);
    return false;
  }
}

/** Pins every thread of a process (and, by inheritance, the threads it creates later); false when it could not. */
export async function pin(pid: number | undefined, cpus: string): Promise<boolean> {
  if (pid === undefined || !(await canPin())) return false;
  // A thread that exits while taskset walks the list fails the call; the second try sees the new list.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await run('taskset', ['-a', '-p', '-c', cpus, String(pid)]);
      return true;
    } catch (err) {
      lastPinError = err instanceof Error ? err.message.split('\n')[0] : String(err);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return false;
}

/** Pins several processes at once; true only if every one was pinned. */
export async function pinAll(assignments: [pid: number | undefined, cpus: string][]): Promise<boolean> {
  return (await Promise.all(assignments.map(([pid, cpus]) => pin(pid, cpus)))).every(Boolean);
}
