import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in ms; undefined once it is gone. */
export function cpuTimeMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export interface MemorySample {
  rssMb: number;
  hwmMb: number;
}

/** VmRSS and VmHWM from /proc/<pid>/status, in MB. */
export function memory(pid: number): MemorySample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

export interface CpuMeter {
  /** CPU used by each process since the meter started, as a share of one core (1.0 = one core busy). */
  stop(): Record<string, number>;
}

/** Measures per-process CPU over an interval, so saturation is visible next to each figure. */
export function cpuMeter(processes: Record<string, number | undefined>): CpuMeter {
  const started = Date.now();
  const before = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, pid === undefined ? undefined : cpuTimeMs(pid)]));
  return {
    stop() {
      const elapsed = Math.max(Date.now() - started, 1);
      const out: Record<string, number> = {};
      for (const [name, pid] of Object.entries(processes)) {
        const start = before[name];
        const end = pid === undefined ? undefined : cpuTimeMs(pid);
        if (start !== undefined && end !== undefined) out[name] = Math.round(((end - start) / elapsed) * 100) / 100;
      }
      return out;
    },
  };
}
