import { temporal } from '@temporalio/proto';
import { RECONCILE_SCHEDULE_ID } from '../../src/contracts/workflow-ids';
import { startCluster, type Cluster } from '../../src/local/cluster/start-cluster';
import { eventually } from '../helpers/eventually';
import { startReplicaStack, type ReplicaStack } from './harness/replica-stack';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/scratch-database';

describe('two workers starting at once on a fresh cluster', () => {
  let cluster: Cluster | undefined;
  let audit: ScratchDatabase | undefined;
  let stack: ReplicaStack | undefined;
  afterAll(async () => {
    const failed: unknown[] = [];
    for (const step of [() => stack?.close(), () => cluster?.stop(), () => audit?.drop()]) await Promise.resolve(step()).catch((err: unknown) => failed.push(err));
    if (failed.length > 0) throw failed[0] instanceof Error ? failed[0] : new Error(String(failed[0]));
  });

  it('create the reconcile schedule once between them, and the search attributes once', async () => {
    cluster = await startCluster({ uiPort: false });
    audit = await createScratchDatabase('opsloop_audit');
    // The namespace is this test's alone: the schedule has one id per namespace.
    stack = await startReplicaStack({ temporalAddress: cluster.address, databaseUrl: audit.url, apis: 0, workers: 2, workerEnv: { OPSLOOP_RECONCILE_INTERVAL_MS: '600000' } });
    await Promise.all([stack.startWorker(0), stack.startWorker(1)]);

    // Listing schedules reads visibility, which shows a new one a moment later.
    const schedules = await eventually(async () => {
      const ids: string[] = [];
      for await (const schedule of stack!.client.schedule.list()) ids.push(schedule.scheduleId);
      return ids.length > 0 && ids;
    }, 15_000, 'the schedule in visibility');
    expect(schedules).toEqual([RECONCILE_SCHEDULE_ID]);
    const said = (msg: string) => stack!.output.filter((l) => l.includes(`"msg":"${msg}"`));
    expect(said('reconcile schedule ready').map((l) => /"schedule":"(\w+)"/.exec(l)?.[1]).sort()).toEqual(['created', 'exists']);
    // AddSearchAttributes is idempotent: both workers may see their call accepted. What matters is that every attribute
    // exists once, as a Keyword, and neither worker failed.
    const added = said('search attributes created').flatMap((l) => (JSON.parse(l.slice(l.indexOf('{'))) as { added: string[] }).added);
    expect([...new Set(added)].sort()).toEqual(['IncidentNumber', 'IncidentPriority', 'OpsRequester', 'OpsStage', 'SlackChannel']);
    const { customAttributes } = await stack.client.connection.operatorService.listSearchAttributes({ namespace: stack.client.options.namespace });
    const ours = Object.entries(customAttributes ?? {}).filter(([name]) => added.includes(name));
    expect(ours.map(([, type]) => type)).toEqual(Array(5).fill(temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
  });
});
