import type { FigureResult, Row } from './types';

const ms = (value: number): string => (Number.isFinite(value) ? (value >= 100 ? value.toFixed(0) : value.toFixed(1)) : '–');

/** "p50 / p99 / max" in ms. */
export const latencies = (s: { p50: number; p99: number; max: number }): string => `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)} ms`;
export const num = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');
export const millis = (value: number): string => `${ms(value)} ms`;

const metCell = (row: Row): string => (row.met === undefined ? '' : row.met ? 'yes' : '**no**');
const escape = (cell: string | undefined): string => (cell ?? '').replace(/\|/g, '\\|');

/** The summary table, as Markdown (also readable on a terminal). */
export function markdownTable(figures: FigureResult[]): string {
  // The "before" column only when some figure keeps a recorded figure beside its new one.
  const withBefore = figures.some((f) => f.rows.some((r) => r.before !== undefined));
  const header = ['Figure', 'Measure', 'OpsLoop', 'Baselines', 'Ratio', 'Target', 'Met', ...(withBefore ? ['Before (recorded)'] : [])];
  const lines = [`| ${header.join(' | ')} |`, `|${' --- |'.repeat(header.length)}`];
  for (const f of figures) {
    if (f.error) {
      lines.push(`| ${f.id} | ${escape(f.title)} | not measured: ${escape(f.error.split('\n')[0])} |${' |'.repeat(header.length - 3)}`);
      continue;
    }
    for (const r of f.rows) {
      const cells = [f.id, escape(r.measure), escape(r.opsloop), escape(r.baselines), escape(r.ratios), escape(r.target), metCell(r), ...(withBefore ? [escape(r.before)] : [])];
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}
