import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the CPU went in V8 profiles written with --cpu-prof (`npm run bench -- --profile`): self time by package
 * (or OpsLoop source file) and by function, so the biggest cost that is ours stands out.
 * Usage: npx tsx bench/profile/summarize.ts <profile dir> [top]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/** node_modules/<package>, src/<path>, bench/<path>, node internals, or V8's own entries. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/(src|bench|test)\/(.+)$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

export function summarize(profile: CpuProfile): { totalMs: number; byOwner: Map<string, number>; byFunction: Map<string, number> } {
  const samples = profile.samples?.length ?? profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
  const msPerSample = samples ? (profile.endTime - profile.startTime) / 1000 / samples : 0;
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * msPerSample;
    if (!ms) continue;
    const owner = ownerOf(node.callFrame.url, node.callFrame.functionName);
    const fn = `${node.callFrame.functionName || '(anonymous)'} · ${owner}:${node.callFrame.lineNumber + 1}`;
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + ms);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  }
  return { totalMs: (profile.endTime - profile.startTime) / 1000, byOwner, byFunction };
}

function top(map: Map<string, number>, n: number, busyMs: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, ms]) => `${(ms / 1000).toFixed(2).padStart(8)} s ${((ms / busyMs) * 100).toFixed(1).padStart(5)} %  ${k}`);
}

if (require.main === module) {
  const [dir, count] = process.argv.slice(2);
  if (!dir) throw new Error('usage: summarize.ts <profile dir> [top]');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const { totalMs, byOwner, byFunction } = summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
    const idle = byOwner.get('(idle)') ?? 0;
    const busy = totalMs - idle;
    if (busy < 1000) continue;
    byOwner.delete('(idle)');
    process.stdout.write(`\n== ${file}: ${(totalMs / 1000).toFixed(1)} s profiled, ${(busy / 1000).toFixed(1)} s busy\n`);
    process.stdout.write(`-- self time by package / file\n${top(byOwner, 15, busy).join('\n')}\n`);
    process.stdout.write(`-- self time by function\n${top(byFunction, Number(count ?? 25), busy).join('\n')}\n`);
  }
}
