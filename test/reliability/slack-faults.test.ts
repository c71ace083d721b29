import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { rootMessages } from '../../src/sandbox/slack-messages';
import { startStack, type Stack } from '../helpers/stack';
import { check } from './checker';
import { activityAttempts, activityScheduledAt, readRun } from './harness/histories';
import { openAndReject } from './harness/incident-flow';
import { worldOf } from './harness/world';
import { Ledger } from './ledger';

/** When the fake Slack served the incident's thread root. */
const rootPostedAt = (stack: Stack, number: string): number =>
  stack.slack.calls.find((c) => c.method === 'chat.postMessage' && !c.args.thread_ts && String(c.args.text).startsWith(`${number} ·`))!.at;

describe('faults 6 and 7: Slack rate-limits, fails and hangs', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  it('waits out a 429 for its Retry-After (Temporal retries, not the WebClient) and posts one thread root', async () => {
    stack = await startStack();
    const ledger = new Ledger(stack.apiUrl);
    stack.slack.faults.add('chat.postMessage', { status: 429, retryAfterSeconds: 3 });
    const number = await openAndReject(stack, ledger, 'Search results empty');

    expect((await check(ledger, worldOf(stack), { incidents: { [number]: { threads: 1, resolved: 0 } } })).violations).toEqual([]);
    const run = await readRun(stack.client, incidentWorkflowId(number));
    // Attempt 2 means the WebClient gave the 429 back instead of sleeping and retrying inside attempt 1.
    expect(activityAttempts(run, 'postIncidentRoot')).toEqual([2]);
    expect(rootPostedAt(stack, number) - activityScheduledAt(run, 'postIncidentRoot')[0]!).toBeGreaterThanOrEqual(2900);
  });

  it('retries 5xx answers and cuts a hang with the client timeout, without posting anything twice', async () => {
    stack = await startStack();
    const ledger = new Ledger(stack.apiUrl);
    stack.slack.faults.add('chat.postMessage', { hang: true });
    stack.slack.faults.add('chat.update', { status: 503, times: 2 });
    const number = await openAndReject(stack, ledger, 'Queue consumers stalled');

    expect((await check(ledger, worldOf(stack), { incidents: { [number]: { threads: 1, resolved: 0 } } })).violations).toEqual([]);
    const run = await readRun(stack.client, incidentWorkflowId(number));
    expect(activityAttempts(run, 'postIncidentRoot')).toEqual([2]);
    expect(activityAttempts(run, 'updateIncidentRoot')[0]).toBe(3);
    // The stack's Slack client gives up after 3 s; the activity's start-to-close timeout alone would take 15 s.
    expect(rootPostedAt(stack, number) - activityScheduledAt(run, 'postIncidentRoot')[0]!).toBeLessThan(10_000);
  });

  it('posts the thread root once even when the permalink lookup after it fails', async () => {
    stack = await startStack();
    const ledger = new Ledger(stack.apiUrl);
    stack.slack.faults.add('chat.getPermalink', { status: 500 });
    const number = await openAndReject(stack, ledger, 'Login page returns 500');

    expect(rootMessages(stack.slack, number)).toHaveLength(1);
    expect((await check(ledger, worldOf(stack), { incidents: { [number]: { threads: 1, resolved: 0 } } })).violations).toEqual([]);
  });
});
