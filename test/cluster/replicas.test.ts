import { writeFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import { OPSLOOP_SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';
import { RECONCILE_SCHEDULE_ID, incidentWorkflowId } from '../../src/contracts/workflow-ids';
import type { RunningChild } from '../../src/local/child-process';
import { startCluster, type Cluster } from '../../src/local/cluster/start-cluster';
import type { Catalog } from '../../src/runbook/catalog-schema';
import { impactUrgencyFor } from '../../src/servicenow/priority';
import { eventually } from '../helpers/eventually';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/scratch-database';
import { ADMIN, APPROVERS, testPolicy } from '../helpers/test-policy';
import { acceptedUpdates, readRun } from '../reliability/harness/histories';
import { Ledger } from '../reliability/ledger';
import { buttonClick, serviceNowEvent, slashCommand } from '../reliability/requests';
import { driveIncident, planFor, type Driver } from '../reliability/soak/incident';
import { FakesWatch, sleep } from '../reliability/soak/watch';
import { startReplicaStack, type ReplicaStack } from './harness/replica-stack';

/** Where resolved incidents are announced, batched over a second. */
const NOTICES = 'C0NOTICES';
const NOTICE_BATCH_MS = 1_000;
/** Made an admin and an approver by the policy reload. */
const LATE_ADMIN = 'U0LATEADMIN';
const LATE_APPROVER = 'U0LATEAPPROVER';
/** Incidents driven through the load balancer while both workers run. */
const INCIDENTS = 4;
const SLACK_BUDGET_MS = 3_000;
const RECORDING = ':hourglass_flowing_sand: Recording your decision… I will confirm here.';
const RECORDED = ':white_check_mark: Your decision (approve) was recorded.';

const notifyingCatalog: Catalog = {
  version: 1,
  allowedExecutables: [],
  targets: {},
  actions: [],
  notifications: [{ channel: NOTICES, events: ['incident-resolved'], batchWindowMs: NOTICE_BATCH_MS }],
};

describe('two API replicas and two workers on a fresh cluster', () => {
  let cluster: Cluster | undefined;
  let audit: ScratchDatabase | undefined;
  let stack: ReplicaStack | undefined;
  let watch: FakesWatch;
  /** Numbers of the incidents resolved, each of which should be announced once. */
  const resolved: string[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ uiPort: false });
    audit = await createScratchDatabase('opsloop_audit');
    // The namespace is this file's alone: the schedule has one id per namespace.
    stack = await startReplicaStack({
      temporalAddress: cluster.address,
      databaseUrl: audit.url,
      apis: 2,
      workers: 2,
      workerEnv: { OPSLOOP_RECONCILE_INTERVAL_MS: '600000' },
      policy: testPolicy(),
      catalog: notifyingCatalog,
    });
    stack.slack.channels.add({ id: NOTICES, name: 'ops-notices', botIsMember: true });
    watch = new FakesWatch(stack.slack, stack.servicenow);
    const s = stack;
    await Promise.all([s.startWorker(0), s.startWorker(1), s.startApi(0), s.startApi(1)]);
  }, 5 * 60_000);

  afterAll(async () => {
    const failed: unknown[] = [];
    for (const step of [() => stack?.close(), () => cluster?.stop(), () => audit?.drop()]) await Promise.resolve(step()).catch((err: unknown) => failed.push(err));
    if (failed.length > 0) throw failed[0] instanceof Error ? failed[0] : new Error(String(failed[0]));
  });

  const said = (msg: string) => stack!.output.filter((l) => l.includes(`"msg":"${msg}"`));

  it('create the reconcile schedule once between them, and the search attributes once', async () => {
    // Listing schedules reads visibility, which shows a new one a moment later.
    const schedules = await eventually(async () => {
      const ids: string[] = [];
      for await (const schedule of stack!.client.schedule.list()) ids.push(schedule.scheduleId);
      return ids.length > 0 && ids;
    }, 15_000, 'the schedule in visibility');
    expect(schedules).toEqual([RECONCILE_SCHEDULE_ID]);
    expect(said('reconcile schedule ready').map((l) => /"schedule":"(\w+)"/.exec(l)?.[1]).sort()).toEqual(['created', 'exists']);
    // AddSearchAttributes is idempotent: both workers may see their call accepted. What matters is that every attribute
    // exists once, as a Keyword, and neither worker failed.
    const added = said('search attributes created').flatMap((l) => (JSON.parse(l.slice(l.indexOf('{'))) as { added: string[] }).added);
    expect([...new Set(added)].sort()).toEqual(OPSLOOP_SEARCH_ATTRIBUTES.map((k) => k.name).sort());
    const { customAttributes } = await stack!.client.connection.operatorService.listSearchAttributes({ namespace: stack!.client.options.namespace });
    const ours = Object.entries(customAttributes ?? {}).filter(([name]) => added.includes(name));
    expect(ours.map(([, type]) => type)).toEqual(Array(OPSLOOP_SEARCH_ATTRIBUTES.length).fill(temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
  });

  it('applies a policy reloaded by SIGHUP on the replica that got the signal, and on each other one once it gets its own', async () => {
    const s = stack!;
    const reloads = (name: string) => s.output.filter((l) => l.startsWith(`[${name}] `) && l.includes('"msg":"policy reloaded"')).length;
    const hangUp = async (name: string, child: RunningChild) => {
      const before = reloads(name);
      process.kill(child.pid, 'SIGHUP');
      await eventually(() => reloads(name) > before, 10_000, `${name} to reload its policy`);
    };
    // `/ops audit` needs the admin role; a refusal is audited, in the one database both replicas write.
    const auditAs = async (replica: number) => {
      const answer = await new Ledger(s.apiUrls[replica]!).send(slashCommand(s.signingSecret, { text: 'audit INC0000001', userId: LATE_ADMIN, responseUrl: s.slack.newResponseUrl() }));
      return (JSON.parse(answer.answer) as { text: string }).text;
    };
    const refused = ':no_entry: Not allowed: you need the admin role for `/ops audit`';
    expect(await auditAs(0)).toContain(refused);
    expect(await auditAs(1)).toContain(refused);

    writeFileSync(s.policyFile, JSON.stringify(testPolicy({ roles: { ...testPolicy().roles, admin: { users: [ADMIN, LATE_ADMIN], groups: [] }, approver: { users: [...APPROVERS, LATE_APPROVER], groups: [] } } })));
    await hangUp('api-1', s.api(0));
    expect(await auditAs(0)).toMatch(/^\*Audit trail of INC0000001\* \(latest 2\)/);
    // The other replica read the file at its start and keeps what it read until it is told to read it again.
    expect(await auditAs(1)).toContain(refused);

    await hangUp('api-2', s.api(1));
    expect(await auditAs(1)).toMatch(/^\*Audit trail of INC0000001\* \(latest 3\)/);
    // The workers hold the approvers each decision round records; the next test's approver is a new one.
    await hangUp('worker-1', s.worker(0));
    await hangUp('worker-2', s.worker(1));
  });

  it('confirms a click answered by either API replica exactly once through its response_url, whichever worker takes the decision', async () => {
    const s = stack!;
    const incident = s.servicenow.createIncident({ short_description: 'Replicas: checkout latency above 2 s', state: '2', ...impactUrgencyFor('3'), cmdb_ci: 'payments-api' });
    expect((await new Ledger(s.apiUrl).send(serviceNowEvent(s.serviceNowWebhookSecret, incident, 'insert'))).status).toBe(202);
    const decision = await watch.until(() => watch.openDecision(incident.number), 60_000, 'the decision message');

    // No worker runs: neither replica can have the decision accepted within Slack's budget.
    await Promise.all([s.worker(0).kill9(), s.worker(1).kill9()]);
    const urls = [s.slack.newResponseUrl(), s.slack.newResponseUrl()];
    const replies = (url: string) => s.slack.responsesFor(url).map((r) => String(r.body.text));
    // The approver's double click, each click answered by another replica: one update id, so one decision.
    const clicks = await Promise.all(
      urls.map((responseUrl, replica) => new Ledger(s.apiUrls[replica]!).send(buttonClick(s.signingSecret, decision, { choice: 'approve', userId: LATE_APPROVER, responseUrl, expect: 'accepted' }))),
    );
    for (const click of clicks) expect({ status: click.status, withinBudget: click.ms < SLACK_BUDGET_MS }).toEqual({ status: 200, withinBudget: true });
    for (const url of urls) expect(await eventually(() => replies(url)[0], 5_000, 'the pending notice')).toBe(RECORDING);

    // The workers come back: either takes the decision both replicas are waiting on, and the loop resolves.
    await Promise.all([s.startWorker(0), s.startWorker(1)]);
    await watch.until(() => watch.resolved(incident.number) || undefined, 120_000, `the resolution of ${incident.number}`);
    resolved.push(incident.number);
    for (const url of urls) await eventually(() => replies(url)[1], 30_000, 'the confirmation');
    // Longer than a retried follow-up would take to arrive.
    await sleep(2_000);
    for (const url of urls) expect(replies(url)).toEqual([RECORDING, RECORDED]);
    const effect = clicks[0]!.effect;
    if (effect.kind !== 'decision') throw new Error('not a click');
    expect(acceptedUpdates(await readRun(s.client, effect.approvalWorkflowId)).map((u) => (u.input as { userId: string }).userId)).toEqual([LATE_APPROVER]);
  });

  it('announces each resolved incident once in the subscribed channel while both workers share the work, even when a post\'s answer is lost', async () => {
    const s = stack!;
    const driver: Driver = { stack: s, ledger: new Ledger(s.apiUrl), watch, stopping: () => false };
    // Slack keeps the first announcement but its answer is lost: the worker posting it fails, and the retry (on either
    // worker) must find it rather than post it again.
    s.slack.faults.add(`chat.postMessage answer in ${NOTICES}`, { dropResponse: true });
    const numbers = await Promise.all(Array.from({ length: INCIDENTS }, (_, i) => driveIncident(driver, { ...planFor(i), priority: '3' }, () => undefined)));
    resolved.push(...numbers);

    const notices = () => s.slack.messages.filter((m) => m.channel === NOTICES).map((m) => m.text);
    const times = (number: string) => notices().join('\n').split(`${number} (P`).length - 1;
    await eventually(() => resolved.every((n) => times(n) > 0), 30_000, 'every resolution announced');
    // Longer than a batch window: a second announcement of any of them would be out by now.
    await sleep(3 * NOTICE_BATCH_MS);
    expect(Object.fromEntries(resolved.map((n) => [n, times(n)]))).toEqual(Object.fromEntries(resolved.map((n) => [n, 1])));
    expect(s.slack.faults.applied.map((f) => f.route)).toEqual([`chat.postMessage answer in ${NOTICES}`]);

    // Both workers ran these incidents' activities (a worker's identity is pid@host).
    const runs = await Promise.all(numbers.map((n) => readRun(s.client, incidentWorkflowId(n))));
    const identities = new Set(runs.flatMap((r) => r.events.flatMap((e) => e.activityTaskStartedEventAttributes?.identity ?? [])));
    expect(identities.size).toBe(2);
  });
});
