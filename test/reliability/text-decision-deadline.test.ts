import { findDecisionMessage } from '../../src/sandbox/slack-messages';
import { impactUrgencyFor } from '../../src/servicenow/priority';
import { eventually } from '../helpers/eventually';
import { temporalAddress } from '../helpers/temporal';
import { APPROVERS } from '../helpers/test-policy';
import { startProcessStack, type ProcessStack } from './harness/process-stack';
import { Ledger } from './ledger';
import { serviceNowEvent, slashCommand } from './requests';

const [APPROVER] = APPROVERS as [string];
const replies = (stack: ProcessStack, responseUrl: string) => stack.slack.responsesFor(responseUrl).map((r) => String(r.body.text));

describe('no worker is up when an approver types /ops approve', () => {
  let stack: ProcessStack;
  afterAll(async () => {
    await stack?.close();
  });

  it('answers within Slack’s 3 s, says the decision is being recorded, and confirms through response_url when a worker returns', async () => {
    stack = await startProcessStack({ temporalAddress: temporalAddress() });
    const driver = new Ledger(stack.apiUrl);
    const incident = stack.servicenow.createIncident({ short_description: 'Checkout latency above 2 s', state: '2', ...impactUrgencyFor('2') });
    expect((await driver.send(serviceNowEvent(stack.serviceNowWebhookSecret, incident, 'insert'))).status).toBe(202);
    await eventually(() => findDecisionMessage(stack.slack, incident.number), 30_000, 'the decision message');

    await stack.worker().kill9();
    const responseUrl = stack.slack.newResponseUrl();
    const typed = await driver.send(slashCommand(stack.signingSecret, { text: `approve ${incident.number} looks right`, userId: APPROVER, responseUrl }));
    expect(typed.status).toBe(200);
    expect(typed.ms).toBeLessThan(3000);
    expect((JSON.parse(typed.answer) as { text: string }).text).toBe(`:hourglass_flowing_sand: Recording your decision on ${incident.number}… I will confirm here.`);

    await stack.startWorker();
    const confirmed = await eventually(() => replies(stack, responseUrl)[0], 60_000, 'the confirmation');
    expect(confirmed).toBe(`:white_check_mark: Your decision (approve) on ${incident.number} was recorded.`);
    await eventually(() => stack.servicenow.incident(incident.number)?.state === '6', 30_000, 'the approved resolution');
    expect(replies(stack, responseUrl)).toHaveLength(1);
  });
});
