import { Client, Connection } from '@temporalio/client';
import { createWorkflowGateway } from '../../src/api/workflow-gateway';
import { businessRuleBody, sendBusinessRuleEvent } from '../../src/sandbox/business-rule-sender';
import { eventBridgeEventOf } from '../../src/sandbox/fake-agent-events';
import { agentTasksFor, decisionMessage, openIncident, rootMessages, threadReplies } from '../helpers/incident-loop';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack, type StackOptions } from '../helpers/stack';

/** What the thread says besides its root: the notes and the decision request, as text. */
const threadText = (stack: Stack, number: string): string => {
  const [root] = rootMessages(stack, number);
  return threadReplies(stack, root!).map((m) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`).join('\n');
};

const findingsNotes = (stack: Stack, number: string) => stack.servicenow.incident(number)!.work_notes.filter((n) => n.startsWith('OpsLoop: findings from aws-devops-agent'));
const callsOf = (stack: Stack, operation: string) => stack.agent.calls.filter((c) => c.operation === operation);

describe('the AWS DevOps Agent through its API: one task per incident, findings by event or by polling', () => {
  let stack: Stack;
  const start = async (options: StackOptions = {}) => {
    stack = await startStack(options);
  };
  afterEach(async () => {
    await stack?.close();
  });

  it('creates exactly one task under a redelivered webhook and a retried activity, and notes the findings once', async () => {
    await start();
    // The first CreateBacklogTask lands but its answer is lost: the activity retries with the same clientToken.
    stack.agent.faults.add('CreateBacklogTask', { dropResponse: true });
    const number = openIncident(stack, { short_description: 'Checkout API error rate above 5%', cmdb_ci: 'checkout-api', priority: '2' });
    const current = stack.servicenow.incident(number)!;
    const redelivered = await Promise.all([1, 2, 3].map(() => sendBusinessRuleEvent({ url: stack.apiUrl, secret: stack.serviceNowWebhookSecret }, businessRuleBody(current, 'update'))));
    expect(redelivered).toEqual([202, 202, 202]);

    const decision = await decisionMessage(stack, number);
    expect(agentTasksFor(stack, number)).toHaveLength(1);
    expect(callsOf(stack, 'CreateBacklogTask').map((c) => c.status)).toEqual([201, 200]);
    expect(JSON.stringify(decision.blocks)).toContain('retired downstream endpoint');
    await eventually(() => findingsNotes(stack, number).length === 1, 10_000, 'the findings work note');
    const [note] = findingsNotes(stack, number);
    expect(note).toContain(`Agent task: ${agentTasksFor(stack, number)[0]!.taskId}`);
    expect(note).toContain('OpsLoop run: ');
    expect(note).toContain('Restart the `checkout-api` service');
    // The run is found from the AWS task.
    const [task] = agentTasksFor(stack, number);
    const runs: string[] = [];
    await eventually(async () => {
      runs.length = 0;
      for await (const run of stack.client.workflow.list({ query: `AgentTaskId = "${task!.taskId}"` })) runs.push(run.workflowId);
      return runs.length === 1;
    }, 10_000, 'visibility to show AgentTaskId');
    expect(runs).toEqual([`incident/${number}`]);
  });

  it('gets the findings by event well before the next poll', async () => {
    await start({ env: { OPSLOOP_AGENT_POLL_INTERVAL_MS: '60000' } });
    const started = Date.now();
    const number = openIncident(stack, { short_description: 'Checkout API latency above 2 s', cmdb_ci: 'checkout-api' });
    const decision = await decisionMessage(stack, number);
    const elapsed = Date.now() - started;
    process.stdout.write(`webhook → findings in the thread, by event: ${elapsed} ms\n`);
    expect(elapsed).toBeLessThan(30_000);
    expect(JSON.stringify(decision.blocks)).toContain('Connection pool saturation');
    const completed = stack.agent.events.deliveries.filter((d) => d.detailType === 'Investigation Completed');
    expect(completed.map((d) => d.status)).toEqual([202]);
    // Woken by the event, the workflow read the task once; it never waited out a 60 s poll.
    expect(callsOf(stack, 'GetBacklogTask')).toHaveLength(1);
  });

  it('gets the findings by polling when no EventBridge rule delivers events', async () => {
    await start({ agentEvents: false, env: { OPSLOOP_AGENT_POLL_INTERVAL_MS: '1000' }, agentDelayMs: 1500 });
    const started = Date.now();
    const number = openIncident(stack, { short_description: 'Checkout API latency above 2 s', cmdb_ci: 'checkout-api' });
    const decision = await decisionMessage(stack, number);
    process.stdout.write(`webhook → findings in the thread, by polling every 1 s: ${Date.now() - started} ms\n`);
    expect(JSON.stringify(decision.blocks)).toContain('Connection pool saturation');
    expect(stack.agent.events.deliveries).toEqual([]);
    // The task was still running at the first polls: statuses moved over time, and OpsLoop kept asking.
    expect(callsOf(stack, 'GetBacklogTask').length).toBeGreaterThanOrEqual(2);
  });

  it('says so in the thread and asks without findings when the agent reports FAILED', async () => {
    await start();
    const number = stack.servicenow.nextIncidentNumber();
    stack.agent.outcomes.set(number, 'FAILED');
    expect(openIncident(stack, { short_description: 'Payments API errors' })).toBe(number);
    const decision = await decisionMessage(stack, number);
    expect(threadText(stack, number)).toContain('No findings: the agent reported the investigation failed');
    expect(JSON.stringify(decision.blocks)).not.toContain('Findings');
    expect(findingsNotes(stack, number)).toEqual([]);
  });

  it("follows a LINKED task to the primary investigation and shows the primary's findings", async () => {
    await start({ agentDelayMs: 2000 });
    const first = openIncident(stack, { short_description: 'Orders API memory growth', cmdb_ci: 'orders-api' });
    await eventually(() => agentTasksFor(stack, first).length === 1, 15_000, 'the first task');
    const second = stack.servicenow.nextIncidentNumber();
    stack.agent.outcomes.set(second, { linkTo: first });
    openIncident(stack, { short_description: 'Orders API OOM kills', cmdb_ci: 'orders-api' });
    const decision = await decisionMessage(stack, second);
    const [primary] = agentTasksFor(stack, first);
    expect(agentTasksFor(stack, second)[0]).toMatchObject({ status: 'LINKED', primaryTaskId: primary!.taskId });
    expect(threadText(stack, second)).toContain(`linked this incident to task ${primary!.taskId}`);
    expect(JSON.stringify(decision.blocks)).toContain('memory leak in');
  });

  it('does not retry a refusal, and tells the thread what to fix (403 AccessDenied)', async () => {
    await start();
    stack.agent.denied.add('CreateBacklogTask');
    const number = openIncident(stack, { short_description: 'Search latency' });
    await decisionMessage(stack, number);
    expect(threadText(stack, number)).toContain("the agent refused: access denied for aidevops:CreateBacklogTask — check the worker's IAM role");
    expect(callsOf(stack, 'CreateBacklogTask').map((c) => c.errorType)).toEqual(['AccessDeniedException']);
  });

  it('retries throttling (429) and still gets the findings', async () => {
    await start();
    stack.agent.faults.add('CreateBacklogTask', { status: 429, times: 2 });
    const number = openIncident(stack, { short_description: 'Checkout API latency above 2 s', cmdb_ci: 'checkout-api' });
    const decision = await decisionMessage(stack, number);
    expect(callsOf(stack, 'CreateBacklogTask').map((c) => c.status)).toEqual([429, 429, 201]);
    expect(JSON.stringify(decision.blocks)).toContain('Connection pool saturation');
  });

  it('queues a storm: ten incidents with a quota of 3 never have more than 3 tasks in flight, and all get findings', async () => {
    await start({ agentDelayMs: 1500, env: { OPSLOOP_AGENT_MAX_CONCURRENT: '3', OPSLOOP_FINDINGS_TIMEOUT_MS: '60000' } });
    const numbers = Array.from({ length: 10 }, (_, i) => openIncident(stack, { short_description: `Checkout API latency above 2 s (${i})`, cmdb_ci: 'checkout-api', priority: '3' }));
    for (const number of numbers) {
      const decision = await decisionMessage(stack, number, 90_000);
      expect(JSON.stringify(decision.blocks)).toContain('Connection pool saturation');
    }
    expect(stack.agent.backlog.maxInFlight).toBe(3);
    // Someone waited, and their thread said so.
    expect(stack.slack.calls.filter((c) => c.method === 'chat.update' && JSON.stringify(c.args).includes('Queued for the agent')).length).toBeGreaterThan(0);
  }, 180_000);
});

describe('POST /webhooks/aws-devops-agent/events: as an EventBridge API destination delivers it', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });
  const event = (taskId: string) =>
    eventBridgeEventOf({ detailType: 'Investigation Completed', task: { taskId, agentSpaceId: 'sandbox-space', status: 'COMPLETED', taskType: 'INVESTIGATION', priority: 'HIGH' } }, 'us-east-1', '111122223333');
  const post = (body: unknown, key: string | undefined) =>
    fetch(`${stack.apiUrl}/webhooks/aws-devops-agent/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...(key !== undefined ? { 'x-api-key': key } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('401 without the key or with a wrong one; 202 with nothing matched for an unknown task; 400 for what is not an agent event', async () => {
    stack = await startStack();
    const key = stack.agentEventsKey;
    expect((await post(event('unknown-task'), undefined)).status).toBe(401);
    expect((await post(event('unknown-task'), 'wrong-key-0123456789')).status).toBe(401);
    const unknown = await post(event('unknown-task'), key);
    expect(unknown.status).toBe(202);
    expect(await unknown.json()).toEqual({ matched: 0 });
    expect((await post({ ...event('x'), source: 'aws.ec2' }, key)).status).toBe(400);
    expect((await post('{not json', key)).status).toBe(400);
  });

  it('answers 429 + Retry-After, never a 5xx, when Temporal cannot take a well-formed event', async () => {
    stack = await startStack({
      gateway: (_client, taskQueue) => createWorkflowGateway(new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 300 }) }), taskQueue),
    });
    const res = await post(event('some-task'), stack.agentEventsKey);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
  });
});
