import { median } from '../load/stats';
import { memory } from './proc-stats';

export interface RssReading {
  rssMb: number;
  hwmMb: number;
}

/** Median of `samples` RSS readings `spacingMs` apart, after `idleMs` of quiet. */
export async function settledRss(pid: number, o: { idleMs: number; samples: number; spacingMs?: number }): Promise<RssReading> {
  await new Promise((r) => setTimeout(r, o.idleMs));
  const readings: RssReading[] = [];
  for (let i = 0; i < o.samples; i++) {
    const m = memory(pid);
    if (m) readings.push(m);
    if (i < o.samples - 1) await new Promise((r) => setTimeout(r, o.spacingMs ?? 500));
  }
  if (readings.length === 0) throw new Error(`process ${pid} is gone`);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { rssMb: round(median(readings.map((r) => r.rssMb))), hwmMb: round(Math.max(...readings.map((r) => r.hwmMb))) };
}
