import type { Client } from '@temporalio/client';
import { incidentWorkflowId, resolutionWorkflowId } from '../../../src/contracts/workflow-ids';
import type { FakeServiceNow } from '../../../src/sandbox/fake-servicenow';
import type { Faults } from '../../../src/sandbox/faults';
import { readRun } from '../harness/histories';
import type { Disruption } from './chaos';

/**
 * For an incident a violation names: what the fake ServiceNow saw for it, the ServiceNow faults that hit it, the disruptions,
 * and every activity attempt beyond the first in its workflows, on one clock (seconds since the soak started).
 */
export async function incidentTimeline(
  number: string,
  ctx: { client: Client; servicenow: FakeServiceNow; serviceNowFaults: Faults; disruptions: Disruption[]; startedAt: number },
): Promise<string[]> {
  const t = (at: number) => `${((at - ctx.startedAt) / 1000).toFixed(1)} s`;
  const sysId = ctx.servicenow.incident(number)?.sys_id ?? '?';
  const events: { at: number; text: string }[] = [];
  for (const r of ctx.servicenow.requests.filter((r) => r.path.endsWith(sysId))) {
    const body = JSON.stringify(r.body ?? {}).slice(0, 100);
    events.push({ at: r.at, text: `ServiceNow ${r.method} ${r.method === 'GET' ? '' : body}` });
  }
  for (const f of ctx.serviceNowFaults.applied.filter((f) => f.path.endsWith(sysId))) events.push({ at: f.at, text: `fault ServiceNow ${f.route} ${JSON.stringify(f.fault)}` });
  for (const d of ctx.disruptions) events.push({ at: d.at, text: `${d.kind} (back ${t(d.backAt)})` });
  for (const id of [incidentWorkflowId(number), resolutionWorkflowId(number)]) {
    const run = await readRun(ctx.client, id).catch(() => undefined);
    const types = new Map<string, string>();
    for (const e of run?.events ?? []) {
      const scheduled = e.activityTaskScheduledEventAttributes;
      if (scheduled) types.set(String(e.eventId), scheduled.activityType?.name ?? '?');
      const started = e.activityTaskStartedEventAttributes;
      if (started && (started.attempt ?? 1) > 1) {
        const failure = started.lastFailure?.message ? `; last failure: ${started.lastFailure.message.slice(0, 120)}` : '';
        events.push({ at: Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6), text: `${id}: ${types.get(String(started.scheduledEventId))} attempt ${started.attempt}${failure}` });
      }
    }
  }
  return events.sort((a, b) => a.at - b.at).map((e) => `${t(e.at)} ${e.text}`);
}
