import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuMeter } from '../harness/proc-stats';
import { startBenchStack } from '../harness/stack';
import { resetFakes } from '../loop/fake-ledger';
import { runIncident } from '../loop/incident-driver';
import { closedPipeline } from '../loop/pipeline';
import { watchSlack } from '../loop/slack-watch';
import { median } from '../load/stats';

/**
 * What the Business Rule path costs: the same incidents, through the whole loop, either entering by the
 * ServiceNow Business Rule (which also echoes every PATCH OpsLoop makes back to the API) or started by
 * signalWithStart with no Business Rule at all. Alternating rounds, median incidents/s and CPU per incident.
 * Usage: npx tsx bench/experiments/echo-cost.ts [rounds] [seconds] [concurrency] [--profile <dir>]
 */
async function main(): Promise<void> {
  const [rounds = 3, seconds = 25, concurrency = 24] = process.argv.slice(2, 5).map(Number);
  const profileAt = process.argv.indexOf('--profile');
  const workDir = mkdtempSync(join(tmpdir(), 'opsloop-echo-'));
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const stack = await startBenchStack({ workDir, log, profileDir: profileAt > 0 ? process.argv[profileAt + 1] : undefined });
  const watch = watchSlack(stack.slack);
  const results: Record<string, { rate: number; cpuPerIncident: number }[]> = { 'business-rule': [], direct: [] };
  try {
    await runIncident(stack, watch, { via: 'business-rule', timeoutMs: 60_000 });
    for (let round = 0; round < rounds; round++) {
      for (const arm of round % 2 ? (['direct', 'business-rule'] as const) : (['business-rule', 'direct'] as const)) {
        resetFakes(stack, watch);
        stack.servicenow.installBusinessRule(arm === 'direct' ? undefined : { url: stack.apiUrl, secret: stack.webhookSecret });
        const meter = cpuMeter(stack.pids());
        const via = arm === 'direct' ? { taskQueue: stack.taskQueue } : ('business-rule' as const);
        const r = await closedPipeline(() => runIncident(stack, watch, { via, timeoutMs: 120_000 }), { concurrency, durationMs: seconds * 1000, warmupMs: 5_000 });
        const cpu = meter.stop();
        const busy = Object.values(cpu).reduce((s, v) => s + v, 0);
        const elapsedS = seconds + 5;
        results[arm]!.push({ rate: r.ratePerSecond, cpuPerIncident: (busy * elapsedS) / Math.max(r.all.length, 1) });
        log(`${arm}: ${r.ratePerSecond.toFixed(2)}/s, ${r.all.length} done, ${r.failures.length} failed, cpu ${JSON.stringify(cpu)}`);
      }
    }
    for (const [arm, rs] of Object.entries(results)) {
      log(`${arm}: median ${median(rs.map((x) => x.rate)).toFixed(2)} incidents/s, ${median(rs.map((x) => x.cpuPerIncident)).toFixed(2)} core-s per incident`);
    }
  } finally {
    watch.stop();
    await stack.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
