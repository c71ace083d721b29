import { createDevOpsAgentApi, defaultDevOpsAgentEndpoint } from '../../../../src/clients/agent/devops-agent-api';
import { markdownOf } from '../../../../src/clients/agent/devops-agent-shapes';
import { createDevOpsAgentTaskInvestigator } from '../../../../src/clients/agent/devops-agent-task-investigator';
import { AgentApiError } from '../../../../src/clients/errors';
import type { AgentTaskProgress } from '../../../../src/contracts/agent-task';
import type { FakeAgent, FakeAgentOptions } from '../../../../src/sandbox/fake-agent';
import { request, sleep, startTestAgent, TEST_CREDENTIALS, TEST_SPACE } from '../../../helpers/agent-fixtures';

async function rejectionOf(promise: Promise<unknown>): Promise<AgentApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AgentApiError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('the AWS DevOps Agent API investigator against the sandbox agent', () => {
  let agent: FakeAgent;
  const start = async (options: Partial<FakeAgentOptions> = {}) => {
    agent = await startTestAgent(options);
  };
  afterEach(async () => {
    await agent?.close();
  });
  const apiFor = (credentials = TEST_CREDENTIALS) =>
    createDevOpsAgentApi({ endpoint: agent.url, region: TEST_SPACE.region, agentSpaceId: TEST_SPACE.agentSpaceId, credentials, timeoutMs: 2_000 });
  const investigatorFor = (credentials = TEST_CREDENTIALS) =>
    createDevOpsAgentTaskInvestigator({
      api: apiFor(credentials),
      associationId: TEST_SPACE.associationId,
      taskUrlTemplate: 'https://console.example/tasks/{taskId}',
    });
  const settled = async (taskId: string, incident = 'INC0010001'): Promise<AgentTaskProgress> => {
    for (let i = 0; i < 100; i += 1) {
      const progress = await investigatorFor().checkTask(taskId, incident);
      if (progress.state !== 'pending') return progress;
      await sleep(20);
    }
    throw new Error('the task never settled');
  };

  it('defaults to the data-plane endpoint of the region', () => {
    expect(defaultDevOpsAgentEndpoint('eu-central-1')).toBe('https://dp.aidevops.eu-central-1.api.aws');
  });

  it('creates one task per client token, through requests the endpoint verified with SigV4', async () => {
    await start();
    const investigator = investigatorFor();
    const first = await investigator.startTask(request(), 'token-1');
    const retried = await investigator.startTask(request(), 'token-1');
    expect(retried.taskId).toBe(first.taskId);
    expect(agent.backlog.tasks.size).toBe(1);
    expect(agent.calls.map((c) => [c.operation, c.status])).toEqual([
      ['CreateBacklogTask', 201],
      ['CreateBacklogTask', 200],
    ]);
    expect([...agent.backlog.tasks.values()][0]).toMatchObject({
      taskType: 'INVESTIGATION',
      priority: 'CRITICAL',
      title: 'INC0010001: Checkout latency above 2 s',
      reference: { system: 'ServiceNow', referenceId: 'INC0010001', associationId: TEST_SPACE.associationId, referenceUrl: request().incidentUrl },
    });
  });

  it('is refused with InvalidSignatureException when signed with the wrong secret, and the error carries no secret', async () => {
    await start();
    const err = await rejectionOf(investigatorFor({ ...TEST_CREDENTIALS, secretAccessKey: 'not-the-secret-key' }).startTask(request(), 't'));
    expect(err).toMatchObject({ status: 403, code: 'InvalidSignatureException', operation: 'CreateBacklogTask', retryable: false });
    expect(err.message).not.toContain('not-the-secret-key');
    expect(agent.backlog.tasks.size).toBe(0);
  });

  it('reads the findings from the journal once the task completed, across pages', async () => {
    await start({ pageSize: 1 });
    const { taskId } = await investigatorFor().startTask(request({ description: 'p99 latency rose after the deploy' }), 'token-2');
    const progress = await settled(taskId);
    expect(progress).toMatchObject({ state: 'completed', status: 'COMPLETED' });
    const { findings } = progress as Extract<AgentTaskProgress, { state: 'completed' }>;
    expect(findings).toMatchObject({ incidentNumber: 'INC0010001', source: 'aws-devops-agent', status: 'completed', url: `https://console.example/tasks/${taskId}` });
    expect(findings.summary).toContain('## Investigation summary');
    expect(findings.summary).toContain('Connection pool saturation');
    expect(findings.mitigation).toContain('1. Roll back the latest `checkout-api` deployment.');
    // One record per page: the client follows nextToken through the whole journal.
    const executionId = agent.backlog.tasks.get(taskId)!.executionId!;
    const before = agent.calls.length;
    const all = await apiFor().listJournalRecords(executionId, '');
    expect(all.map((r) => r.recordType)).toEqual(['observation', 'investigation_summary_md', 'mitigation_summary_md']);
    expect(agent.calls.slice(before).map((c) => c.operation)).toEqual(['ListJournalRecords', 'ListJournalRecords', 'ListJournalRecords']);
  });

  it('ends without findings when the agent reports FAILED, with the reason', async () => {
    await start();
    agent.outcomes.set('INC0010001', 'FAILED');
    const { taskId } = await investigatorFor().startTask(request(), 'token-3');
    expect(await settled(taskId)).toMatchObject({ state: 'ended', status: 'FAILED', reason: expect.stringContaining('the agent reported the investigation failed') });
  });

  it("follows a LINKED task to its primary and returns the primary's findings", async () => {
    await start({ delayMs: 150 });
    const primary = await investigatorFor().startTask(request({ incidentNumber: 'INC0010002' }), 'token-primary');
    agent.outcomes.set('INC0010001', { linkTo: 'INC0010002' });
    const linked = await investigatorFor().startTask(request(), 'token-linked');
    expect(linked.status).toBe('LINKED');
    const progress = await settled(linked.taskId);
    expect(progress).toMatchObject({ state: 'completed', taskId: linked.taskId, linkedTo: primary.taskId });
  });

  it('says what the agent refused in words a person can act on: access denied', async () => {
    await start();
    agent.denied.add('CreateBacklogTask');
    const err = await rejectionOf(investigatorFor().startTask(request(), 'token-4'));
    expect(err).toMatchObject({ status: 403, code: 'AccessDeniedException', retryable: false });
    expect(err.refusal).toBe("the agent refused: access denied for aidevops:CreateBacklogTask — check the worker's IAM role");
  });

  it('marks throttling as retryable, with the Retry-After it was given', async () => {
    await start();
    agent.faults.add('GetBacklogTask', { status: 429, retryAfterSeconds: 2 });
    const { taskId } = await investigatorFor().startTask(request(), 'token-5');
    const err = await rejectionOf(investigatorFor().checkTask(taskId, 'INC0010001'));
    expect(err).toMatchObject({ status: 429, code: 'ThrottlingException', retryable: true, retryAfterMs: 2000 });
  });

  it('runs at most the space quota of investigations at once; the rest wait in PENDING_START', async () => {
    await start({ delayMs: 100, concurrency: 3 });
    const started = await Promise.all([1, 2, 3, 4, 5].map((n) => investigatorFor().startTask(request({ incidentNumber: `INC001000${n}` }), `token-q${n}`)));
    const statuses = () => started.map((t) => agent.backlog.tasks.get(t.taskId)!.status);
    expect(statuses().filter((s) => s === 'IN_PROGRESS')).toHaveLength(3);
    expect(statuses().filter((s) => s === 'PENDING_START')).toHaveLength(2);
    await Promise.all(started.map((t, i) => settled(t.taskId, `INC001000${i + 1}`)));
    expect(statuses()).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
  });
});

describe('markdownOf: journal record content, parsed defensively', () => {
  it.each([
    ['a string', '## Summary', '## Summary'],
    ['a {markdown} object', { markdown: '**bold**' }, '**bold**'],
    ['a JSON document in a string', JSON.stringify({ summary: 'nested' }), 'nested'],
    ['a number', 42, ''],
    ['null', null, ''],
    ['an object with nothing readable', { x: 1 }, ''],
  ])('reads %s', (_what, content, expected) => {
    expect(markdownOf(content)).toBe(expected);
  });
});
