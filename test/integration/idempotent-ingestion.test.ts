import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { createWorkflowGateway } from '../../src/api/workflow-gateway';
import type { IncidentSnapshot } from '../../src/contracts/investigation';
import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { createOpsLoopWorkflows } from '../../src/temporal-client/opsloop-workflows';
import { startGrpcGatekeeper, type GrpcGatekeeper } from '../helpers/grpc-gatekeeper';
import { temporalAddress } from '../helpers/temporal';
import { readRun, signalsNamed } from '../reliability/harness/histories';

const SIGNAL_WITH_START = '/temporal.api.workflowservice.v1.WorkflowService/SignalWithStartWorkflowExecution';

const snapshot = (number: string, sysModCount: number): IncidentSnapshot => ({
  sysId: randomUUID().replaceAll('-', ''),
  number,
  shortDescription: 'Checkout latency above 2 s',
  description: '',
  priority: '2',
  urgency: '2',
  impact: '2',
  state: '2',
  assignmentGroup: '',
  cmdbCi: 'payments-api',
  sysUpdatedOn: '2026-12-02 00:00:00',
  sysModCount,
});

/**
 * A ServiceNow event whose signalWithStart reached Temporal but whose answer was lost: the API answers 503, the
 * Business Rule sends the event again. The server must keep it once, which only a request id derived from the event
 * (not the SDK's random one per call) can ensure.
 */
describe('ingestion is idempotent at the source: one ServiceNow event, one signal', () => {
  let gate: GrpcGatekeeper;
  let connection: Connection;
  let direct: Client;
  let losing = false;
  const taskQueue = `ingest-${randomUUID()}`;

  beforeAll(async () => {
    gate = await startGrpcGatekeeper({ upstream: temporalAddress(), loseAnswer: (path) => losing && path === SIGNAL_WITH_START });
    connection = await Connection.connect({ address: gate.address });
    direct = new Client({ connection: await Connection.connect({ address: temporalAddress() }) });
  });
  afterAll(async () => {
    // A call the gateway gave up on keeps retrying in the SDK (its backoff reaches 5 s): let those end first.
    for (let seen = -1; seen !== gate.calls.length; ) {
      seen = gate.calls.length;
      await new Promise((r) => setTimeout(r, 6_000));
    }
    for await (const run of direct.workflow.list({ query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"` })) {
      await direct.workflow.getHandle(run.workflowId).terminate('test over');
    }
    await connection.close();
    await direct.connection.close();
    await gate.close();
  });

  const keptSignals = async (incident: IncidentSnapshot) =>
    signalsNamed(await readRun(direct, incidentWorkflowId(incident.number)), 'incidentUpdated').map((s) => (s as IncidentSnapshot).sysModCount);

  it('keeps an event delivered again after its first answer was lost (a new run, then a running one)', async () => {
    const gateway = createWorkflowGateway(new Client({ connection }), taskQueue);
    const number = `INC${Math.floor(1_000_000 + Math.random() * 8_000_000)}`;
    const insert = snapshot(number, 0);

    losing = true;
    await expect(gateway.deliverIncidentEvent(insert)).rejects.toThrow();
    expect(gate.calls.filter((c) => c === SIGNAL_WITH_START).length).toBeGreaterThanOrEqual(1);
    losing = false;
    await expect(gateway.deliverIncidentEvent(insert)).resolves.toEqual({ workflowId: incidentWorkflowId(number), status: 'accepted' });
    expect(await keptSignals(insert)).toEqual([0]);

    // The same on the running workflow: an update (sys_mod_count 1) whose answer is lost, then sent again.
    const update = { ...insert, sysModCount: 1, state: '3' };
    losing = true;
    await expect(gateway.deliverIncidentEvent(update)).rejects.toThrow();
    losing = false;
    await gateway.deliverIncidentEvent(update);
    await gateway.deliverIncidentEvent(update);
    expect(await keptSignals(insert)).toEqual([0, 1]);
  });

  it('keeps a version once when OpsLoop tells it after its own change and the Business Rule delivers it too, in either order', async () => {
    const gateway = createWorkflowGateway(new Client({ connection }), taskQueue);
    const workflows = createOpsLoopWorkflows(new Client({ connection }), taskQueue);
    const first = snapshot(`INC${Math.floor(1_000_000 + Math.random() * 8_000_000)}`, 0);
    await gateway.deliverIncidentEvent(first);
    // OpsLoop's own resolve, told to the investigation, then sent back by a Business Rule without --skip-user.
    const resolved = { ...first, sysModCount: 3, state: '6' };
    await expect(workflows.updateInvestigation(resolved)).resolves.toBe(true);
    await gateway.deliverIncidentEvent(resolved);
    // The other way round: the Business Rule's delivery first.
    const closed = { ...first, sysModCount: 4, state: '7' };
    await gateway.deliverIncidentEvent(closed);
    await expect(workflows.updateInvestigation(closed)).resolves.toBe(true);
    expect(await keptSignals(first)).toEqual([0, 3, 4]);
  });

  it('still keeps every distinct version of the incident', async () => {
    const gateway = createWorkflowGateway(new Client({ connection }), taskQueue);
    const first = snapshot(`INC${Math.floor(1_000_000 + Math.random() * 8_000_000)}`, 4);
    await gateway.deliverIncidentEvent(first);
    await gateway.deliverIncidentEvent({ ...first, sysModCount: 5 });
    await gateway.deliverIncidentEvent({ ...first, sysModCount: 6 });
    expect(await keptSignals(first)).toEqual([4, 5, 6]);
  });
});
