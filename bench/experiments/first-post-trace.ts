import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { startBenchStack } from '../harness/stack';
import { runIncident } from '../loop/incident-driver';
import { watchSlack } from '../loop/slack-watch';

/**
 * Where the time to the first Slack post goes at idle (F4): opens incidents one at a time through the Business Rule,
 * parks each at its decision, and prints every history event up to the root post as ms after the incident was
 * created, next to the moment the fake Slack saw the post.
 * Usage: npx tsx bench/experiments/first-post-trace.ts [incidents] [gapMs]
 */
async function main(): Promise<void> {
  const [count = 3, gapMs = 1000] = process.argv.slice(2, 4).map(Number);
  const workDir = mkdtempSync(join(tmpdir(), 'opsloop-trace-'));
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const stack = await startBenchStack({ workDir, log });
  const watch = watchSlack(stack.slack);
  try {
    for (let i = 0; i < count; i++) {
      await new Promise((r) => setTimeout(r, gapMs));
      const run = await runIncident(stack, watch, { via: 'business-rule', park: true, timeoutMs: 60_000 });
      const history = await stack.client.workflow.getHandle(incidentWorkflowId(run.number)).fetchHistory();
      log(`${run.number}: first post after ${run.firstPostMs} ms`);
      for (const e of history.events ?? []) {
        const at = (optionalTsToMs(e.eventTime) ?? 0) - run.createdAt;
        if (at > run.firstPostMs + 50) break;
        const type = String(temporal.api.enums.v1.EventType[e.eventType ?? 0]).replace(/^EVENT_TYPE_/, '');
        const activity = e.activityTaskScheduledEventAttributes?.activityType?.name ?? '';
        log(`  ${String(at).padStart(5)} ms  ${type} ${activity}`);
      }
    }
  } finally {
    watch.stop();
    await stack.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
