import type { Catalog } from '../../src/runbook/catalog-schema';
import { signAsSlack } from '../../src/sandbox/slack-requests';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';

const catalog: Catalog = {
  version: 1,
  allowedExecutables: [],
  targets: { uat: { url: 'http://127.0.0.1:9/health' } },
  actions: [
    { name: 'ping', description: 'Health check', params: [{ name: 'target', type: 'enum', values: ['*targets'] }], role: 'viewer', approval: 'none', approvalExpiryMs: 3_600_000, timeoutMs: 5000, executor: { type: 'ping' } },
  ],
  notifications: [],
};

/** Slack redelivers an event it had no 200 for within 3 s, with X-Slack-Retry-Num; the command must not run twice. */
describe('a mention command redelivered by Slack runs once', () => {
  let stack: Stack;
  afterAll(async () => {
    await stack?.close();
  });

  const deliver = (eventId: string, text: string, ts: string, retryNum?: number) => {
    const body = JSON.stringify({
      type: 'event_callback',
      event_id: eventId,
      event_time: 1700000100,
      event: { type: 'app_mention', user: 'U0ALICE', text: `<@U0OPSLOOP> ${text}`, channel: 'C0OPS', ts, event_ts: ts },
    });
    const signed = signAsSlack(stack.signingSecret, body);
    const retry: Record<string, string> = retryNum ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' } : {};
    return fetch(`${stack.apiUrl}/slack/events`, { method: 'POST', headers: { ...signed.headers, 'content-type': 'application/json', ...retry }, body: signed.body });
  };
  const actionRuns = async () => (await stack.client.workflow.count(`TaskQueue = "${stack.taskQueue}" AND WorkflowType = "runbookAction"`)).count;

  it('starts one action for an event delivered, then retried, and one for an event whose retry races the first delivery', async () => {
    stack = await startStack({ catalog, channels: [{ id: 'C0OPS', name: 'ops', botIsMember: true }] });
    const stamp = String(Date.now());

    expect((await deliver(`Ev${stamp}A`, 'run ping uat', '1700000100.000100')).status).toBe(200);
    expect((await deliver(`Ev${stamp}A`, 'run ping uat', '1700000100.000100', 1)).status).toBe(200);
    expect((await deliver(`Ev${stamp}A`, 'run ping uat', '1700000100.000100', 2)).status).toBe(200);

    const raced = await Promise.all([deliver(`Ev${stamp}B`, 'run ping uat', '1700000200.000200'), deliver(`Ev${stamp}B`, 'run ping uat', '1700000200.000200', 1)]);
    expect(raced.map((r) => r.status)).toEqual([200, 200]);

    await eventually(async () => ((await actionRuns()) >= 2 ? true : undefined), 10_000, 'the actions to reach visibility');
    // Time for a second start of either to become visible too, before concluding there is none.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await actionRuns()).toBe(2);
    // One answer in each thread, naming the one action.
    const replies = (ts: string) => stack.slack.messages.filter((m) => m.thread_ts === ts && m.text.includes('Started'));
    await eventually(() => (replies('1700000100.000100').length && replies('1700000200.000200').length ? true : undefined));
    expect(replies('1700000100.000100')).toHaveLength(1);
    expect(replies('1700000200.000200')).toHaveLength(1);
  });
});
