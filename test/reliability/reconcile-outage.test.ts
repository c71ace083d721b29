import { ScheduleOverlapPolicy, WorkflowNotFoundError } from '@temporalio/client';
import type { IncidentSnapshot } from '../../src/contracts/investigation';
import { cursorOf, type ReconcileCursor } from '../../src/contracts/reconcile';
import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { rootMessages } from '../../src/sandbox/slack-messages';
import { eventually } from '../helpers/eventually';
import { temporalAddress } from '../helpers/temporal';
import { readRun, signalsNamed } from './harness/histories';
import { startProcessStack, type ProcessStack } from './harness/process-stack';

// A group none of the sandbox's seeded incidents has (their workflow ids are shared with other tests).
const CONDITION = 'assignment_group.name=Payments SRE';
const CHANGED = 600;
const OPEN = 10;

/**
 * What is real: the API and the worker are stopped (child processes), the Business Rule fires for every change and
 * gets no answer, the Schedule keeps firing with no worker to run it, then both come back. What is simulated: the 30
 * minutes. The changes carry sys_updated_on values spread over 34 to 4 minutes ago, and the cursor the last run
 * before the outage returned points at an incident changed 35 minutes ago, as if OpsLoop had been down that long.
 */
describe('an outage of OpsLoop', () => {
  let stack: ProcessStack | undefined;
  let scheduleId = '';
  afterEach(async () => {
    await stack?.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    await stack?.close();
  });

  it(`loses nothing: ${CHANGED} incidents changed while it was down for 30 minutes are each delivered once when it is back`, async () => {
    stack = await startProcessStack({ temporalAddress: temporalAddress(), workerEnv: { SERVICENOW_INCIDENT_CONDITION: CONDITION } });
    const s = stack;
    const { servicenow } = s;
    servicenow.installBusinessRule({ url: s.apiUrl, secret: s.serviceNowWebhookSecret, skipUser: 'opsloop.integration', condition: CONDITION });
    const now = Date.now();
    const minutesAgo = (m: number) => now - m * 60_000;
    const resolved = { state: '6', close_code: 'Solution provided', close_notes: 'Fixed' };

    const before = servicenow.createIncident({ short_description: 'Before the outage', assignment_group: 'Payments SRE', ...resolved }, { at: minutesAgo(35) });
    scheduleId = `reconcile-outage-${s.taskQueue}`;
    await s.client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '2s' }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
      action: { type: 'startWorkflow', workflowType: 'reconcileIncidents', args: [{ lookbackMinutes: 45 }], taskQueue: s.taskQueue, workflowId: scheduleId },
    });
    /** The Schedule's completed runs, newest first, with when they closed and what they returned. */
    const completedRuns = async (): Promise<{ closedAt: number; result: unknown }[]> => {
      const { info } = await s.client.schedule.getHandle(scheduleId).describe();
      const runs: { closedAt: number; result: unknown }[] = [];
      for (const action of [...info.recentActions].reverse()) {
        const handle = s.client.workflow.getHandle(action.action.workflow.workflowId, action.action.workflow.firstExecutionRunId);
        const described = await handle.describe();
        if (described.status.name === 'COMPLETED') runs.push({ closedAt: described.closeTime?.getTime() ?? 0, result: await handle.result() });
      }
      return runs;
    };
    /** The cursor of the latest completed run: what the Schedule gives its next run. */
    const scheduleCursor = async (): Promise<ReconcileCursor | undefined> => cursorOf((await completedRuns())[0]?.result);
    const kept = async (number: string): Promise<number[] | undefined> => {
      try {
        return signalsNamed(await readRun(s.client, incidentWorkflowId(number)), 'incidentUpdated').map((u) => (u as IncidentSnapshot).sysModCount);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    };
    await eventually(async () => (await kept(before.number)) !== undefined && (await completedRuns()).length > 0, 60_000, 'a reconcile run before the outage');
    expect(await scheduleCursor()).toEqual({ sysUpdatedOn: before.sys_updated_on, sysId: before.sys_id });

    // OpsLoop goes down.
    await Promise.all([s.api().stop(), s.worker().stop()]);
    const changed = Array.from({ length: CHANGED }, (_, i) =>
      servicenow.createIncident(
        { short_description: `Changed during the outage ${i}`, assignment_group: 'Payments SRE', ...(i < OPEN ? { state: '2' } : resolved) },
        // Four incidents a second, every 12 s: ties on sys_updated_on across page boundaries.
        { at: minutesAgo(34) + Math.floor(i / 4) * 12_000 },
      ),
    );
    const elsewhere = Array.from({ length: 60 }, (_, i) =>
      servicenow.createIncident({ short_description: `Another team's incident ${i}`, assignment_group: 'Network', ...resolved }, { at: minutesAgo(34) + i * 30_000 }),
    );
    await servicenow.settled();
    const sentDuringOutage = servicenow.deliveries.filter((d) => changed.some((c) => c.number === d.number));
    expect(sentDuringOutage).toHaveLength(CHANGED);
    expect(sentDuringOutage.every((d) => d.status === 0)).toBe(true); // the rule fired, nobody answered

    // OpsLoop is back.
    const back = Date.now();
    await s.startWorker();
    await s.startApi();
    const newest = changed.at(-1)!;
    const lastChanged = [...changed].filter((c) => c.sys_updated_on === newest.sys_updated_on).sort((a, b) => (a.sys_id < b.sys_id ? -1 : 1)).at(-1)!;
    // Two runs completed since: the first read what changed, the second found nothing more.
    await eventually(async () => (await completedRuns()).filter((r) => r.closedAt > back).length >= 2, 240_000, 'two reconcile runs after the outage');
    expect(await scheduleCursor()).toEqual({ sysUpdatedOn: lastChanged.sys_updated_on, sysId: lastChanged.sys_id });
    const keptFor = async (numbers: string[]) => {
      const out: (number[] | undefined)[] = [];
      for (let i = 0; i < numbers.length; i += 25) out.push(...(await Promise.all(numbers.slice(i, i + 25).map(kept))));
      return out;
    };
    const deliveries = await keptFor(changed.map((c) => c.number));
    const notOnce = changed.map((c, i) => `${c.number}: ${JSON.stringify(deliveries[i])}`).filter((line) => !line.endsWith(': [0]'));
    expect(notOnce).toEqual([]);
    expect(await keptFor(elsewhere.map((c) => c.number))).toEqual(elsewhere.map(() => undefined));
    expect(await kept(before.number)).toEqual([0]);
    // The open ones are investigated: one thread each.
    for (const incident of changed.slice(0, OPEN)) {
      await eventually(() => rootMessages(s.slack, incident.number).length === 1, 60_000, `the thread of ${incident.number}`);
    }
  }, 420_000);
});
