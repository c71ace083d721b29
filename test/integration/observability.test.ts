import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { webhookSignature } from '../../src/signing/webhook-signature';
import { sendSlashCommand, signAsSlack, slashCommandBody } from '../../src/sandbox/slack-requests';
import { decisionMessage } from '../helpers/incident-loop';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { impactUrgencyFor } from '../../src/servicenow/priority';

describe('observability: health, metrics, logs without secrets, and the Web UI views', () => {
  let stack: Stack;
  const lines: string[] = [];
  afterEach(async () => {
    await stack?.close();
  });

  it('serves /healthz, /readyz and Prometheus metrics for what happened', async () => {
    stack = await startStack();
    expect(await (await fetch(`${stack.apiUrl}/healthz`)).json()).toEqual({
      ok: true,
      eventLoopDelayMs: { p50: expect.any(Number), p99: expect.any(Number), max: expect.any(Number), windowMs: expect.any(Number) },
    });
    expect((await fetch(`${stack.apiUrl}/readyz`)).status).toBe(200);

    const forged = signAsSlack('wrong-secret', slashCommandBody({ command: '/ops', text: 'help', userId: 'U1', channelId: 'C1', responseUrl: stack.slack.newResponseUrl() }));
    expect((await fetch(`${stack.apiUrl}/slack/commands`, { method: 'POST', headers: forged.headers, body: forged.body })).status).toBe(401);
    await sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text: 'help', userId: 'U1', channelId: 'C1', responseUrl: stack.slack.newResponseUrl() });

    const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    expect(metrics).toContain('opsloop_api_requests_total{route="/slack/commands",method="POST",status="401"} 1');
    expect(metrics).toContain('opsloop_api_requests_total{route="/slack/commands",method="POST",status="200"} 1');
    expect(metrics).toContain('opsloop_api_verification_failures_total{route="/slack/commands"} 1');
    expect(metrics).toMatch(/opsloop_api_ack_seconds_bucket\{le="0\.5",route="\/slack\/commands"\} 2/);
  });

  it('never writes a configured secret to the logs, whatever the requests carry', async () => {
    lines.length = 0;
    stack = await startStack({ logDestination: { write: (line) => void lines.push(line) } });
    const secret = stack.serviceNowWebhookSecret;
    // The real secret as a bearer token on the wrong route, a signature over garbage, a valid command.
    await fetch(`${stack.apiUrl}/webhooks/agent`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: '{"x":1}' });
    const ts = String(Math.floor(Date.now() / 1000));
    await fetch(`${stack.apiUrl}/webhooks/servicenow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-opsloop-timestamp': ts, 'x-opsloop-signature': webhookSignature(secret, ts, 'other') },
      body: '{"sys_id": 1}',
    });
    await sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text: `resolve INC0010001 ${stack.signingSecret}`, userId: 'U1', channelId: 'C1', responseUrl: stack.slack.newResponseUrl() });
    await eventually(() => stack.servicenow.incident('INC0010001')?.state === '6');
    const log = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(log).toContain('"path":"/webhooks/servicenow"');
    for (const value of [secret, stack.signingSecret]) expect(log).not.toContain(value);
  });

  it('keeps the search attributes an operator filters on current (OpsStage, IncidentPriority)', async () => {
    stack = await startStack();
    stack.servicenow.installBusinessRule({ url: stack.apiUrl, secret: stack.serviceNowWebhookSecret });
    const number = stack.servicenow.createIncident({ short_description: 'Payments down', state: '2', ...impactUrgencyFor('1') }).number;
    await decisionMessage(stack, number);
    const query = `OpsStage = "awaiting-decision" AND IncidentPriority = "1" AND TaskQueue = "${stack.taskQueue}"`;
    const ids = await eventually(async () => {
      const found: string[] = [];
      for await (const run of stack.client.workflow.list({ query })) found.push(run.workflowId);
      return found.includes(incidentWorkflowId(number)) ? found : undefined;
    });
    expect(ids).toContain(incidentWorkflowId(number));
    const described = await stack.client.workflow.getHandle(incidentWorkflowId(number)).describe();
    expect(await described.staticSummary()).toBe(`${number} · P1 · Payments down`);
  });
});
