import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { startStack, type Stack } from '../helpers/stack';
import { check } from './checker';
import { worldOf } from './harness/world';
import { Ledger } from './ledger';
import { serviceNowEvent } from './requests';

/** The checker is the verdict of every fault test, so it must be seen failing on evidence that is wrong. */
describe('the reliability checker', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  it('passes a clean run and names every violation in a doctored one', async () => {
    stack = await startStack();
    const ledger = new Ledger(stack.apiUrl);
    // Already resolved in ServiceNow: the investigation ends at once, without a thread.
    const done = stack.servicenow.createIncident({ short_description: 'Closed before OpsLoop saw it', state: '6' });
    const delivered = await ledger.send(serviceNowEvent(stack.serviceNowWebhookSecret, done, 'insert'));
    expect(delivered.status).toBe(202);
    const clean = await check(ledger, worldOf(stack), { workflows: { [incidentWorkflowId(done.number)]: 'COMPLETED' } });
    expect(clean).toEqual({ violations: [], requests: 1, acknowledged: 1, runs: 1 });

    const never = stack.servicenow.createIncident({ short_description: 'Never delivered', state: '2' });
    const doctored = new Ledger(stack.apiUrl);
    doctored.entries.push(
      // A refusal whose effect exists anyway.
      { ...delivered, status: 401 },
      // An acknowledgement with no durable record behind it.
      { ...delivered, ...serviceNowEvent(stack.serviceNowWebhookSecret, never), seq: 2 },
    );
    // A side effect done twice at a fake, and a secret in a log line.
    const root = { method: 'chat.postMessage', args: { channel: 'C0INCIDENTS', text: `${never.number} · P3 · Never delivered` }, at: Date.now() };
    stack.slack.calls.push(root, root);
    const note = { channel: 'C0INCIDENTS', ts: '1.000001', thread_ts: '1.000000', text: 'a note', edits: 0, metadata: { event_type: 'opsloop_post', event_payload: { post_id: 'run-1/7' } } };
    stack.slack.messages.push(note, { ...note, ts: '1.000002' });
    // Two agent tasks for one incident (two client tokens: a retry that forgot its token).
    const task = { taskType: 'INVESTIGATION', title: 't', priority: 'LOW', reference: { system: 'ServiceNow', referenceId: never.number, referenceUrl: '', associationId: 'a' } } as const;
    stack.agent.backlog.create({ ...task, clientToken: 'one' });
    stack.agent.backlog.create({ ...task, clientToken: 'two' });
    const world = { ...worldOf(stack), output: ['[api] {"msg":"hello s3cr3t-value"}'], secrets: { SLACK_SIGNING_SECRET: 's3cr3t-value' } };

    const verdict = await check(doctored, world, { workflows: { [incidentWorkflowId(done.number)]: 'FAILED' }, settleMs: 0 });
    expect(verdict.violations).toHaveLength(7);
    expect(verdict.violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${incidentWorkflowId(done.number)} \\(.+\\): COMPLETED, expected FAILED$`)),
        expect.stringMatching(new RegExp(`^incident-event .*${done.number}.*: refused \\(401\\) but found 1 time\\(s\\) in history$`)),
        expect.stringMatching(new RegExp(`^incident-event .*${never.number}.*: acknowledged 1 time\\(s\\) but not in any history$`)),
        `${never.number}: 2 Slack thread root(s), expected at most 1`,
        'Slack message run-1/7 posted 2 times',
        `${never.number}: 2 agent tasks, expected at most 1`,
        'SLACK_SIGNING_SECRET appears in 1 log line(s), e.g. [api] {"msg":"hello <secret>"}',
      ]),
    );
  });
});
