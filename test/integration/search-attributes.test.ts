import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { msToTs } from '@temporalio/common/lib/time';
import { OPSLOOP_SEARCH_ATTRIBUTES, IncidentNumber, IncidentPriority, OpsRequester, OpsStage, SlackChannel } from '../../src/contracts/search-attributes';
import { searchAttributeReadiness } from '../../src/temporal-setup/search-attribute-readiness';
import { ensureSearchAttributes, SearchAttributesMissingError, SearchAttributeTypeError } from '../../src/temporal-setup/search-attributes';
import { startGrpcGatekeeper, type GatekeeperOptions, type GrpcGatekeeper } from '../helpers/grpc-gatekeeper';
import { temporalAddress } from '../helpers/temporal';

const NAMES = OPSLOOP_SEARCH_ATTRIBUTES.map((k) => k.name);
const ADD = '/temporal.api.operatorservice.v1.OperatorService/AddSearchAttributes';
const LIST = '/temporal.api.operatorservice.v1.OperatorService/ListSearchAttributes';
const COUNT = '/temporal.api.workflowservice.v1.WorkflowService/CountWorkflowExecutions';

/** Runs `use` with a connection through a gatekeeper in front of the dev server, and closes both afterwards. */
async function throughGate<C extends { close(): Promise<void> }>(
  options: Omit<GatekeeperOptions, 'upstream'>,
  connect: (address: string) => Promise<C>,
  use: (gated: C, gate: GrpcGatekeeper) => Promise<void>,
): Promise<void> {
  const gate = await startGrpcGatekeeper({ upstream: temporalAddress(), ...options });
  try {
    const gated = await connect(gate.address);
    try {
      await use(gated, gate);
    } finally {
      await gated.close();
    }
  } finally {
    await gate.close();
  }
}

describe('OpsLoop prepares its namespace: search attributes', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await Connection.connect({ address: temporalAddress() });
  });
  afterAll(async () => {
    await connection.close();
  });

  /** A namespace of the test's own: the dev server's --search-attribute flags registered nothing in it. */
  async function emptyNamespace(): Promise<string> {
    const namespace = `sa-${randomUUID()}`;
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(customAttributes ?? {})).toEqual([]);
    return namespace;
  }

  it('creates every missing attribute as Keyword, once, and a run naming all of them then starts', async () => {
    const namespace = await emptyNamespace();
    const ready = searchAttributeReadiness(connection, namespace);
    const before = await ready();
    expect(before.ready).toBe(false);
    expect(before.reason).toContain(`search attributes missing: ${NAMES.join(', ')}`);
    expect(before.reason).toContain(`tcld namespace search-attributes add --namespace ${namespace} --search-attribute IncidentNumber=Keyword`);

    // Two workers starting at once: both succeed, the attributes exist once.
    const [first, second] = await Promise.all([ensureSearchAttributes(connection, namespace), ensureSearchAttributes(connection, namespace)]);
    expect([...new Set([...first, ...second])].sort()).toEqual([...NAMES].sort());
    expect(await ensureSearchAttributes(connection, namespace)).toEqual([]);
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.fromEntries(NAMES.map((n) => [n, customAttributes?.[n]]))).toEqual(Object.fromEntries(NAMES.map((n) => [n, 2])));

    const client = new Client({ connection, namespace });
    const handle = await client.workflow.start('incidentInvestigation', {
      taskQueue: `sa-${randomUUID()}`,
      workflowId: `sa-probe-${randomUUID()}`,
      typedSearchAttributes: [
        { key: IncidentNumber, value: 'INC0000001' },
        { key: IncidentPriority, value: '2' },
        { key: OpsStage, value: 'investigating' },
        { key: SlackChannel, value: 'C0INCIDENTS' },
        { key: OpsRequester, value: 'U0ALICE' },
      ],
    });
    await handle.terminate('probe');
    // The readiness cache holds a "not ready" for 2 s at most.
    await new Promise((r) => setTimeout(r, 2100));
    expect(await ready()).toEqual({ ready: true });
  });

  it('refuses an attribute that exists with another type, naming it', async () => {
    const namespace = await emptyNamespace();
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { OpsStage: 1 } });
    const attempt = ensureSearchAttributes(connection, namespace);
    await expect(attempt).rejects.toBeInstanceOf(SearchAttributeTypeError);
    await expect(attempt).rejects.toThrow(`namespace ${namespace} has OpsStage with another type than Keyword`);
  });

  describe('on a busy cluster, where the visibility rate of the namespace is spent (RESOURCE_EXHAUSTED)', () => {
    /** Throttles the first `n` CountWorkflowExecutions: more than the SDK's own retries absorb. */
    const throttledFirst = (n: number) => {
      let seen = 0;
      return (path: string) => path === COUNT && ++seen <= n;
    };

    it('a starting worker waits for the rate instead of exiting', async () => {
      const namespace = await emptyNamespace();
      await ensureSearchAttributes(connection, namespace);
      // The worker's own kind of connection, with the core SDK's retries (a few, within seconds).
      await throughGate({ throttle: throttledFirst(8) }, (address) => NativeConnection.connect({ address }), async (gated, gate) => {
        expect(await ensureSearchAttributes(gated, namespace, { timeoutMs: 60_000 })).toEqual([]);
        expect(gate.calls.filter((c) => c === COUNT).length).toBeGreaterThan(8);
      });
    });

    it('a ready API stays ready through a throttled look (the load balancer must not drop it for the cluster being busy)', async () => {
      const namespace = await emptyNamespace();
      await ensureSearchAttributes(connection, namespace);
      let throttling = false;
      let now = 0;
      await throughGate({ throttle: (path) => throttling && (path === COUNT || path === LIST) }, (address) => Connection.connect({ address }), async (gated, gate) => {
        const ready = searchAttributeReadiness(gated, namespace, () => now);
        expect(await ready()).toEqual({ ready: true });
        throttling = true;
        now += 10 * 60_000;
        expect(await ready()).toEqual({ ready: true });
        expect(gate.calls.filter((c) => c === LIST).length).toBeGreaterThanOrEqual(2);
      });
    }, 120_000);
  });

  describe('where OpsLoop may not change the namespace (Temporal Cloud with an API key)', () => {
    it('stops with one line naming the missing attributes and the tcld command, and creates nothing', async () => {
      const namespace = await emptyNamespace();
      await throughGate({ deny: [ADD] }, (address) => Connection.connect({ address }), async (gated, gate) => {
        const attempt = ensureSearchAttributes(gated, namespace);
        await expect(attempt).rejects.toBeInstanceOf(SearchAttributesMissingError);
        const message = await attempt.then(() => '', (err: Error) => err.message);
        expect(message.split('\n')).toHaveLength(1);
        expect(message).toContain(`namespace ${namespace} lacks the search attributes ${NAMES.join(', ')} and OpsLoop may not create them`);
        expect(message).toContain(`tcld namespace search-attributes add --namespace ${namespace} ${NAMES.map((n) => `--search-attribute ${n}=Keyword`).join(' ')}`);
        expect(gate.calls).toContain(ADD);
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        expect(Object.keys(customAttributes ?? {})).toEqual([]);
      });
    });

    it('finds the attributes through queries when it may not even list them, and is then ready', async () => {
      const namespace = await emptyNamespace();
      await ensureSearchAttributes(connection, namespace);
      await throughGate({ deny: [ADD, LIST] }, (address) => Connection.connect({ address }), async (gated, gate) => {
        expect(await ensureSearchAttributes(gated, namespace)).toEqual([]);
        expect(await searchAttributeReadiness(gated, namespace)()).toEqual({ ready: true });
        expect(gate.calls).toContain(LIST);
        expect(gate.calls).not.toContain(ADD);
      });
    });
  });
});
