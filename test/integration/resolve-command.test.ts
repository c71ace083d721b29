import { Connection, Client, WorkflowFailedError } from '@temporalio/client';
import { createWorkflowGateway } from '../../src/api/workflow-gateway';
import { resolutionWorkflowId } from '../../src/contracts/workflow-ids';
import { sendSlashCommand, sendViewSubmission, signAsSlack, slashCommandBody } from '../../src/sandbox/slack-requests';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { expectNoWorkflowsIn } from '../helpers/temporal';

const USER = { userId: 'U0ALICE', userName: 'alice', channelId: 'C0INCIDENTS' };

describe('/ops resolve through the real API, worker and dev server', () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack();
  });
  afterEach(async () => {
    await stack.close();
  });

  const resolve = (text: string, command = '/ops', who = USER) => {
    const responseUrl = stack.slack.newResponseUrl();
    const answer = sendSlashCommand(stack.apiUrl, stack.signingSecret, { command, text, responseUrl, ...who });
    return { responseUrl, answer };
  };
  const replyTo = (responseUrl: string) =>
    eventually(() => stack.slack.responsesFor(responseUrl)[0]?.body, 30_000, `a reply on ${responseUrl}`);
  const patches = () => stack.servicenow.requests.filter((r) => r.method === 'PATCH');

  it('resolves the ticket exactly once and tells the requester in Slack', async () => {
    const { responseUrl, answer } = resolve('resolve INC0010001 restarted the pool');
    const ack = await answer;
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Resolving INC0010001') });

    const reply = await replyTo(responseUrl);
    expect(reply.text).toBe(':white_check_mark: INC0010001 resolved by <@U0ALICE>.');
    const incident = stack.servicenow.incident('INC0010001');
    expect(incident).toMatchObject({ state: '6', close_code: 'Solution provided' });
    expect(incident?.close_notes).toContain('alice (Slack U0ALICE)');
    expect(incident?.work_notes).toHaveLength(1);
    expect(stack.servicenow.transitions).toEqual([expect.objectContaining({ number: 'INC0010001', from: '2', to: '6' })]);
    expect(patches()).toHaveLength(1);
    const result: unknown = await stack.client.workflow.getHandle(resolutionWorkflowId('INC0010001')).result();
    expect(result).toMatchObject({ status: 'resolved', resolvedBy: 'U0ALICE' });
  });

  it('accepts /ops-resolve as an alias', async () => {
    const { responseUrl, answer } = resolve('INC0010003 cleared the disk', '/ops-resolve');
    expect((await answer).status).toBe(200);
    expect((await replyTo(responseUrl)).text).toContain('INC0010003 resolved');
    expect(stack.servicenow.incident('INC0010003')?.state).toBe('6');
  });

  it('joins a running resolution instead of resolving twice, and tells both requesters', async () => {
    stack.servicenow.faults.add('PATCH incident', { delayMs: 1500 });
    const first = resolve('resolve INC0010002 failover done');
    await first.answer;
    const second = resolve('resolve INC0010002 failover done', '/ops', { userId: 'U0BOB', userName: 'bob', channelId: 'C0INCIDENTS' });
    await second.answer;
    const [a, b] = await Promise.all([replyTo(first.responseUrl), replyTo(second.responseUrl)]);
    expect(a.text).toContain('INC0010002 resolved by <@U0ALICE>');
    expect(b.text).toContain('INC0010002 resolved by <@U0ALICE>');
    expect(patches()).toHaveLength(1);
    expect(stack.servicenow.transitions).toHaveLength(1);
  });

  it('reports an unknown incident in plain words and changes nothing', async () => {
    const { responseUrl } = resolve('resolve INC0099999 nothing');
    const reply = await replyTo(responseUrl);
    expect(reply.text).toMatch(/Could not resolve INC0099999: ServiceNow has no incident INC0099999/);
    expect(patches()).toHaveLength(0);
    await expect(stack.client.workflow.getHandle(resolutionWorkflowId('INC0099999')).result()).rejects.toBeInstanceOf(WorkflowFailedError);
  });

  it('leaves an already resolved incident alone', async () => {
    const { responseUrl } = resolve('resolve INC0010004 already');
    expect((await replyTo(responseUrl)).text).toBe('INC0010004 is already Resolved in ServiceNow; nothing was changed.');
    expect(patches()).toHaveLength(0);
  });

  it('retries a ServiceNow 503 and then resolves once', async () => {
    stack.servicenow.faults.add('PATCH incident', { status: 503 });
    const { responseUrl } = resolve('resolve INC0010001 restarted the pool');
    expect((await replyTo(responseUrl)).text).toContain('resolved by');
    expect(patches()).toHaveLength(2);
    expect(stack.servicenow.transitions).toHaveLength(1);
  });

  it('waits as long as ServiceNow’s Retry-After says after a 429', async () => {
    stack.servicenow.faults.add('PATCH incident', { status: 429, retryAfterSeconds: 3 });
    const { responseUrl } = resolve('resolve INC0010001 restarted the pool');
    expect((await replyTo(responseUrl)).text).toContain('resolved by');
    const [first, second] = patches();
    // Temporal's own first retry would come after 1 s; Retry-After asked for 3.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(2900);
    expect(stack.servicenow.transitions).toHaveLength(1);
  });

  it('fails fast on a data-policy refusal (403) and says why', async () => {
    stack.servicenow.faults.add('PATCH incident', {
      status: 403,
      times: 5,
      body: { error: { message: 'Operation Failed', detail: 'Data Policy Exception: The following fields are mandatory: Resolution code' }, status: 'failure' },
    });
    const { responseUrl } = resolve('resolve INC0010001 restarted the pool');
    const reply = await replyTo(responseUrl);
    expect(reply.text).toContain('Could not resolve INC0010001');
    expect(reply.text).toContain('Data Policy Exception');
    expect(patches()).toHaveLength(1);
    expect(stack.servicenow.incident('INC0010001')?.state).toBe('2');
  });

  /** `/ops resolve <number>` without notes opens the form; the person fills it in and submits it, as in Slack. */
  const resolveWithForm = async (number: string, notes: string) => {
    const { responseUrl, answer } = resolve(`resolve ${number}`);
    const ack = await answer;
    expect(ack).toMatchObject({ status: 200, body: '' });
    const opened = await eventually(() => stack.slack.views.at(-1), 5000, 'the resolve form');
    const submitted = await sendViewSubmission(stack.apiUrl, stack.signingSecret, {
      userId: USER.userId,
      view: { id: opened.id, ...opened.view },
      values: { close_code: 'Workaround provided', close_notes: notes },
      selects: ['close_code'],
    });
    // An empty 200 closes the form; the outcome then comes where the command was typed.
    expect(submitted).toEqual({ status: 200, body: '' });
    return responseUrl;
  };
  const repliesTo = (responseUrl: string, count: number) =>
    eventually(() => {
      const texts = stack.slack.responsesFor(responseUrl).map((r) => String(r.body.text));
      return texts.length >= count ? texts : undefined;
    }, 30_000, `${count} replies on ${responseUrl}`);

  it('the resolve form ends like the command with notes: resolved, and the person is told where they typed it', async () => {
    const responseUrl = await resolveWithForm('INC0010001', 'Rolled back the 09:10 deploy of checkout-api.');
    expect(await repliesTo(responseUrl, 1)).toEqual([':white_check_mark: INC0010001 resolved by <@U0ALICE>.']);
    expect(stack.slack.responsesFor(responseUrl)[0]!.body).toMatchObject({ response_type: 'in_channel' });
    expect(stack.servicenow.incident('INC0010001')).toMatchObject({ state: '6', close_code: 'Workaround provided', close_notes: expect.stringContaining('Rolled back the 09:10 deploy') });
    expect(patches()).toHaveLength(1);
  });

  it('the resolve form tells the person when the incident was already resolved', async () => {
    const responseUrl = await resolveWithForm('INC0010004', 'Nothing left to do here.');
    expect(await repliesTo(responseUrl, 1)).toEqual(['INC0010004 is already Resolved in ServiceNow; nothing was changed.']);
    expect(patches()).toHaveLength(0);
  });

  it('the resolve form tells the person when ServiceNow has no such incident', async () => {
    const responseUrl = await resolveWithForm('INC0099999', 'Restarted the whole thing.');
    expect((await repliesTo(responseUrl, 1))[0]).toMatch(/Could not resolve INC0099999: ServiceNow has no incident INC0099999/);
    expect(patches()).toHaveLength(0);
  });

  it('rejects a forged signature with 401 and starts nothing', async () => {
    const responseUrl = stack.slack.newResponseUrl();
    const signed = signAsSlack('not-the-secret', slashCommandBody({ command: '/ops', text: 'resolve INC0010001 restarted the pool', responseUrl, ...USER }));
    const res = await fetch(`${stack.apiUrl}/slack/commands`, { method: 'POST', headers: signed.headers, body: signed.body });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'signature mismatch' });
    await expectNoWorkflowsIn(stack);
    expect(stack.servicenow.requests).toHaveLength(0);
  });

  it('rejects a replayed (stale) request with 401', async () => {
    const body = slashCommandBody({ command: '/ops', text: 'resolve INC0010001', responseUrl: stack.slack.newResponseUrl(), ...USER });
    const signed = signAsSlack(stack.signingSecret, body, Math.floor(Date.now() / 1000) - 301);
    const res = await fetch(`${stack.apiUrl}/slack/commands`, { method: 'POST', headers: signed.headers, body: signed.body });
    expect(res.status).toBe(401);
    await expectNoWorkflowsIn(stack);
    expect(stack.servicenow.requests).toHaveLength(0);
  });

  it('answers 400 to a signed but malformed command and 415 to a wrong content type', async () => {
    const malformed = signAsSlack(stack.signingSecret, 'command=%2Fops&text=resolve+INC0010001');
    const res = await fetch(`${stack.apiUrl}/slack/commands`, { method: 'POST', headers: malformed.headers, body: malformed.body });
    expect(res.status).toBe(400);
    const json = signAsSlack(stack.signingSecret, '{"command":"/ops"}');
    const res2 = await fetch(`${stack.apiUrl}/slack/commands`, {
      method: 'POST',
      headers: { ...json.headers, 'content-type': 'application/json' },
      body: json.body,
    });
    expect(res2.status).toBe(415);
    expect(stack.servicenow.requests).toHaveLength(0);
  });

  it('answers help and unknown subcommands with usage', async () => {
    const help = await resolve('help').answer;
    expect((help.body as { text: string }).text).toContain('/ops resolve INC0010001');
    const unknown = await resolve('frobnicate now').answer;
    expect((unknown.body as { text: string }).text).toMatch(/I don't know `frobnicate`[\s\S]*\/ops resolve/);
    const bad = await resolve('resolve 12345').answer;
    expect((bad.body as { text: string }).text).toContain('is not an incident number');
    expect(stack.servicenow.requests).toHaveLength(0);
  });
});

describe('/ops resolve when something outside OpsLoop is broken', () => {
  it('tells the user when ServiceNow rejects the credentials, without retrying', async () => {
    const stack = await startStack({ env: { SERVICENOW_PASSWORD: 'wrong-password' } });
    try {
      const responseUrl = stack.slack.newResponseUrl();
      await sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text: 'resolve INC0010001 restarted the pool', responseUrl, ...USER });
      const reply = await eventually(() => stack.slack.responsesFor(responseUrl)[0]?.body, 30_000);
      expect(reply.text).toMatch(/credentials were not accepted \(401\)/);
      expect(stack.servicenow.requests).toHaveLength(1);
    } finally {
      await stack.close();
    }
  });

  it('says so, and records nothing, when Temporal is unreachable', async () => {
    const stack = await startStack({
      gateway: (_client, taskQueue) => {
        const deadConnection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 });
        return createWorkflowGateway(new Client({ connection: deadConnection }), taskQueue);
      },
    });
    try {
      const responseUrl = stack.slack.newResponseUrl();
      const ack = await sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text: 'resolve INC0010001 restarted the pool', responseUrl, ...USER });
      expect(ack.status).toBe(200);
      expect((ack.body as { text: string }).text).toContain('could not confirm your request');
      expect(stack.servicenow.requests).toHaveLength(0);
    } finally {
      await stack.close();
    }
  });
});
