import { resolutionWorkflowId } from '../../src/contracts/workflow-ids';
import { findDecisionMessage } from '../../src/sandbox/slack-messages';
import { eventually } from '../helpers/eventually';
import { temporalAddress } from '../helpers/temporal';
import { APPROVERS } from '../helpers/test-policy';
import { check, type Verdict } from './checker';
import { activityAttempts, readRun } from './harness/histories';
import { startProcessStack, type ProcessStack } from './harness/process-stack';
import { worldOf } from './harness/world';
import { Ledger, type Entry } from './ledger';
import { buttonClick, serviceNowEvent, slashCommand } from './requests';
import { impactUrgencyFor } from '../../src/servicenow/priority';

const [APPROVER, SECOND_APPROVER] = APPROVERS as [string, string];
const replies = (stack: ProcessStack, responseUrl: string) => stack.slack.responsesFor(responseUrl).map((r) => String(r.body.text));

describe('fault 1: the worker is SIGKILLed while its ServiceNow PATCH is in flight', () => {
  let stack: ProcessStack;
  let number: string;
  let responseUrl: string;
  let verdict: Verdict;

  beforeAll(async () => {
    stack = await startProcessStack({ temporalAddress: temporalAddress() });
    const driver = new Ledger(stack.apiUrl);
    number = stack.servicenow.createIncident({ short_description: 'Payments API returns 502', state: '2' }).number;
    // ServiceNow holds the PATCH for 3 s, then applies it: the worker dies before it can hear the answer.
    stack.servicenow.faults.add('PATCH incident', { delayMs: 3000 });
    responseUrl = stack.slack.newResponseUrl();
    await driver.send(slashCommand(stack.signingSecret, { text: `resolve ${number} restarted the pool`, userId: 'U0ALICE', responseUrl }));
    await eventually(() => stack.servicenow.requests.some((r) => r.method === 'PATCH'), 30_000, 'the resolving PATCH');
    await stack.worker().kill9();
    await eventually(() => stack.servicenow.incident(number)?.state === '6', 10_000, 'the held PATCH to land');
    await stack.startWorker();
    await eventually(() => replies(stack, responseUrl)[0], 90_000, 'the reply to the requester');
    verdict = await check(driver, worldOf(stack), { workflows: { [resolutionWorkflowId(number)]: 'COMPLETED' }, incidents: { [number]: { threads: 0, resolved: 1 } } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('resolves the ticket exactly once: the retried attempt reads the state before writing', async () => {
    expect(verdict.violations).toEqual([]);
    expect(stack.servicenow.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(activityAttempts(await readRun(stack.client, resolutionWorkflowId(number)), 'resolveIncident')).toEqual([2]);
  });

  it('tells the requester and the audit trail that OpsLoop resolved it, since its own PATCH did', async () => {
    expect(replies(stack, responseUrl)).toEqual([`:white_check_mark: ${number} resolved by <@U0ALICE>.`]);
    const rows = (await stack.audit()).filter((r) => r.incidentNumber === number && r.action === 'resolve');
    expect(rows.map((r) => r.result)).toEqual(['resolved']);
  });
});

describe('fault 2: no worker is up when an approver clicks', () => {
  let stack: ProcessStack;
  afterAll(async () => {
    await stack?.close();
  });

  it('answers within 2.5 s, says the decision is being recorded, and applies it once when a worker returns', async () => {
    stack = await startProcessStack({ temporalAddress: temporalAddress() });
    const driver = new Ledger(stack.apiUrl);
    const incident = stack.servicenow.createIncident({ short_description: 'Checkout latency above 2 s', state: '2', ...impactUrgencyFor('2') });
    expect((await driver.send(serviceNowEvent(stack.serviceNowWebhookSecret, incident, 'insert'))).status).toBe(202);
    const decision = structuredClone(await eventually(() => findDecisionMessage(stack.slack, incident.number), 30_000, 'the decision message'));

    await stack.worker().kill9();
    const urls = [stack.slack.newResponseUrl(), stack.slack.newResponseUrl()];
    // A double click while nothing can accept it: one update id, so one decision.
    const clicks: Entry[] = await driver.sendAll(urls.map((responseUrl) => buttonClick(stack.signingSecret, decision, { choice: 'approve', userId: APPROVER, responseUrl, expect: 'accepted' })));
    for (const click of clicks) {
      expect(click.status).toBe(200);
      expect(click.ms).toBeLessThan(2500);
    }
    for (const url of urls) expect(await eventually(() => replies(stack, url)[0], 2000)).toContain('Recording your decision');

    await stack.startWorker();
    for (const url of urls) await eventually(() => replies(stack, url)[1], 60_000, 'the confirmation');
    for (const url of urls) expect(replies(stack, url)).toEqual([':hourglass_flowing_sand: Recording your decision… I will confirm here.', ':white_check_mark: Your decision (approve) was recorded.']);

    const late = stack.slack.newResponseUrl();
    await driver.send(buttonClick(stack.signingSecret, decision, { choice: 'reject', userId: SECOND_APPROVER, responseUrl: late, expect: 'refused' }));
    expect(await eventually(() => replies(stack, late)[0])).toMatch(/Already decided|decision is closed/);

    const verdict = await check(driver, worldOf(stack), { incidents: { [incident.number]: { threads: 1, resolved: 1 } } });
    expect(verdict.violations).toEqual([]);
    expect(verdict.runs).toBe(3); // the investigation, its approval, its resolution
  });
});
