import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { findDecisionMessage } from '../../src/sandbox/slack-messages';
import { eventually } from '../helpers/eventually';
import { APPROVERS } from '../helpers/test-policy';
import { check, type Verdict } from './checker';
import { startOwnDevServer, type OwnDevServer } from './harness/own-dev-server';
import { startProcessStack, type ProcessStack } from './harness/process-stack';
import { worldOf } from './harness/world';
import { Ledger, type Entry } from './ledger';
import { buttonClick, mention, serviceNowEvent, slashCommand } from './requests';
import { impactUrgencyFor } from '../../src/servicenow/priority';

const [APPROVER] = APPROVERS as [string];

describe('faults 4 and 5: the Temporal dev server is killed -9, then restarted on the same SQLite file', () => {
  let server: OwnDevServer | undefined;
  let stack: ProcessStack | undefined;
  let whileDown: Entry[];
  let verdict: Verdict;
  let workerSurvived: boolean;

  beforeAll(async () => {
    server = await startOwnDevServer();
    stack = await startProcessStack({ temporalAddress: server.address });
    const s = stack;
    const driver = new Ledger(s.apiUrl);
    const open = s.servicenow.createIncident({ short_description: 'Orders DB replica lag', state: '2', ...impactUrgencyFor('2') });
    await driver.send(serviceNowEvent(s.serviceNowWebhookSecret, open, 'insert'));
    const decision = structuredClone(await eventually(() => findDecisionMessage(s.slack, open.number), 30_000, 'the decision message'));

    await server.kill9();
    const fixed = s.servicenow.createIncident({ short_description: 'Fixed by the network team', state: '6' });
    const status = mention(s.signingSecret, { eventId: `EvDown${Date.now()}`, text: `status ${open.number}`, userId: 'U0ALICE', ts: '1700000500.000500' });
    whileDown = await driver.sendAll([
      serviceNowEvent(s.serviceNowWebhookSecret, fixed, 'insert'),
      serviceNowEvent(s.serviceNowWebhookSecret, s.servicenow.incident(open.number)!),
      status,
    ]);
    // Alone, as Slack would send it: the answer time is the API's, not the queue of concurrent requests.
    whileDown.push(await driver.send(slashCommand(s.signingSecret, { text: `resolve ${fixed.number} done`, userId: 'U0ALICE', responseUrl: s.slack.newResponseUrl() })));

    const timeToHealthy = await server.restart();
    process.stdout.write(`reliability: the dev server answered ${timeToHealthy} ms after its restart in place\n`);
    // The senders try again, as a 503 invites: ServiceNow's REST retry policy, Slack's Events API retries.
    await eventually(async () => (await driver.send(serviceNowEvent(s.serviceNowWebhookSecret, fixed, 'insert'))).status === 202, 60_000, 'a 202 after the restart');
    await driver.send({ ...status, headers: { ...status.headers, 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_error' } });
    await driver.send(buttonClick(s.signingSecret, decision, { choice: 'approve', userId: APPROVER, responseUrl: s.slack.newResponseUrl(), expect: 'accepted' }));
    await s.client.workflow.getHandle(incidentWorkflowId(open.number)).result();

    workerSurvived = s.worker().running();
    verdict = await check(driver, worldOf(s), {
      incidents: { [open.number]: { threads: 1, resolved: 1 }, [fixed.number]: { threads: 0, resolved: 0 } },
      settleMs: 60_000,
    });
  });
  afterAll(async () => {
    await stack?.close();
    await server?.stop();
  });

  it('never acknowledges while it is down, and loses nothing: open incidents resume, retried deliveries land once', () => {
    expect(whileDown.map((e) => [e.route, e.status])).toEqual([
      ['/webhooks/servicenow', 503],
      ['/webhooks/servicenow', 503],
      ['/slack/events', 503],
      ['/slack/commands', 200],
    ]);
    expect(whileDown[3]!.answer).toContain('could not confirm your request');
    expect(workerSurvived).toBe(true);
    expect(verdict.violations).toEqual([]);
  });

  it('answers a slash command within its own 2 s Temporal budget (Slack gives up at 3 s) while Temporal is unreachable', () => {
    expect(whileDown[3]!.ms).toBeLessThan(2500);
  });
});
