import { click, decisionMessage, incidentResult, openIncident, rootMessages, threadReplies } from '../helpers/incident-loop';
import { startStack, type Stack } from '../helpers/stack';
import { APPROVERS } from '../helpers/test-policy';

const [APPROVER] = APPROVERS as [string];

/**
 * Slack rate-limits per method and workspace, and ServiceNow instances count integration calls: a loop that chats
 * costs money and gets throttled at the worst moment. These tests hold an incident to its budget of vendor calls.
 */
describe('the vendor calls one incident costs', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  it('an approved incident: three Slack posts, three edits, two user look-ups; nine ServiceNow requests; one Business Rule delivery; five agent API calls', async () => {
    stack = await startStack();
    // The rule as generated with --skip-user: OpsLoop's own writes are not sent back to it.
    const number = openIncident(stack, { short_description: 'Checkout API latency above 2 s', cmdb_ci: 'checkout-api' }, { skipUser: stack.businessRule.skipUser });
    const decision = await decisionMessage(stack, number);
    expect((await click(stack, decision, 'approve', APPROVER)).status).toBe(200);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved' });

    // The thread holds the decision and, at the end, the timeline's summary: with the root, the three posts.
    const [root] = rootMessages(stack, number);
    expect(threadReplies(stack, root!).map((m) => (m.ts === decision.ts ? 'decision' : m.text.split(' ')[0]))).toEqual(['decision', ':stopwatch:']);
    expect(stack.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(3);
    // The root is edited at the decision and at the end, the decision once when it closes.
    expect(stack.slack.calls.filter((c) => c.method === 'chat.update')).toHaveLength(3);
    // Who opened it, as a Slack user (the opener's address), and the approver's address for resolved_by.
    expect(stack.slack.calls.filter((c) => c.method.startsWith('users.')).map((c) => c.method)).toEqual(['users.lookupByEmail', 'users.info']);
    // The thread's work note, the findings' work note; before the decision, the incident's caller and opener and the
    // opener's e-mail; the decision's work note; the read before resolving, the approver's ServiceNow user, the
    // resolving PATCH; the timeline's work note.
    expect(stack.servicenow.requests.map((r) => `${r.method} ${r.path.split('/')[4]}`)).toEqual([
      'PATCH incident',
      'PATCH incident',
      'GET incident',
      'GET sys_user',
      'PATCH incident',
      'GET incident',
      'GET sys_user',
      'PATCH incident',
      'PATCH incident',
    ]);
    // The agent: one task, read once when its completion event arrived, then its journal (one execution, two summaries).
    expect(stack.agent.calls.map((c) => c.operation)).toEqual(['CreateBacklogTask', 'GetBacklogTask', 'ListExecutions', 'ListJournalRecords', 'ListJournalRecords']);
    // Only the person's insert reaches OpsLoop; its own PATCHes are skipped by the rule.
    await stack.servicenow.settled();
    expect(stack.servicenow.deliveries.map((d) => d.sysModCount)).toEqual(['0']);
  });
});
