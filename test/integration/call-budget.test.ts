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

  it('an approved incident: two Slack posts, three edits, one users.info; six ServiceNow requests; one Business Rule delivery', async () => {
    stack = await startStack();
    // The rule as generated with --skip-user: OpsLoop's own writes are not sent back to it.
    const number = openIncident(stack, { short_description: 'Checkout API latency above 2 s', cmdb_ci: 'checkout-api' }, { skipUser: stack.businessRule.skipUser });
    const decision = await decisionMessage(stack, number);
    expect((await click(stack, decision, 'approve', APPROVER)).status).toBe(200);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved' });

    // The thread holds only the decision: the root and the decision are the two posts.
    const [root] = rootMessages(stack, number);
    expect(threadReplies(stack, root!).map((m) => m.ts)).toEqual([decision.ts]);
    expect(stack.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(2);
    // The root is edited at the decision and at the end, the decision once when it closes.
    expect(stack.slack.calls.filter((c) => c.method === 'chat.update')).toHaveLength(3);
    // The approver's e-mail, asked once: the approval and resolved_by share the answer.
    expect(stack.slack.calls.filter((c) => c.method === 'users.info')).toHaveLength(1);
    // The thread's work note; at the approval, the incident's caller and opener and the approver's ServiceNow user (in
    // parallel); the decision's work note, the read before resolving, and the resolving PATCH.
    const calls = stack.servicenow.requests.map((r) => `${r.method} ${r.path.split('/')[4]}`);
    expect(calls[0]).toBe('PATCH incident');
    expect(calls.slice(1, 3).sort()).toEqual(['GET incident', 'GET sys_user']);
    expect(calls.slice(3)).toEqual(['PATCH incident', 'GET incident', 'PATCH incident']);
    // Only the person's insert reaches OpsLoop; its own three PATCHes are skipped by the rule.
    await stack.servicenow.settled();
    expect(stack.servicenow.deliveries.map((d) => d.sysModCount)).toEqual(['0']);
  });
});
