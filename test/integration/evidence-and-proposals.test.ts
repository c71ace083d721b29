import { restartCatalog } from '../helpers/restart-catalog';
import { sendSlashCommand } from '../../src/sandbox/slack-requests';
import { buttonsOf, click, decisionMessage, incidentResult, openIncident, rootMessages, threadReplies } from '../helpers/incident-loop';
import { sendAgentFindings } from '../helpers/agent-callback';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { expectNoWorkflowsIn } from '../helpers/temporal';
import { APPROVERS } from '../helpers/test-policy';
import { sendButtonClick } from '../../src/sandbox/slack-requests';

const [APPROVER] = APPROVERS as [string];

const catalog = restartCatalog;

describe('evidence-bound approvals and agent-proposed remediation', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  const decisionNotes = (s: Stack, number: string) => s.servicenow.incident(number)!.work_notes.filter((n) => n.startsWith('[OpsLoop decision'));
  const actionRuns = (s: Stack, number: string) => threadReplies(s, rootMessages(s, number)[0]!).filter((m) => m.text.includes('`restart-service payments-api` succeeded'));

  it('supersedes a pending request when new findings arrive, refuses a click on the old evidence, and records each decision once', async () => {
    stack = await startStack();
    const number = openIncident(stack, { short_description: 'Checkout latency above 2 s', cmdb_ci: 'checkout-api' });
    const first = await decisionMessage(stack, number);
    const firstHash = buttonsOf(first)[0]!.value.split('|')[1];
    expect(firstHash).toMatch(/^[0-9a-f]{64}$/);

    await sendAgentFindings(stack, { incidentNumber: number, status: 'completed', source: 'sandbox-agent', summary: 'Updated: the cache cluster lost a node.', rootCause: 'Cache node loss' });
    const second = await eventually(() => {
      const messages = threadReplies(stack, rootMessages(stack, number)[0]!).filter((m) => buttonsOf(m).length > 0 && m.ts !== first.ts);
      return messages[0] ? structuredClone(messages[0]) : undefined;
    });
    expect(buttonsOf(second)[0]!.value.split('|')[1]).not.toBe(firstHash);
    expect(stack.slack.messages.find((m) => m.ts === first.ts)!.text).toContain('superseded by new findings');

    // Slack still shows the old message's buttons to someone who has not refreshed: that click is refused.
    const stale = await click(stack, first, 'approve', APPROVER);
    expect(String((await eventually(() => stack.slack.responsesFor(stale.responseUrl)[0]?.body)).text)).toContain('superseded by new evidence');
    expect(stack.servicenow.transitions).toHaveLength(0);

    // The decision's work note is written once even though the first write's answer is lost and the activity retries.
    stack.servicenow.faults.add('PATCH incident answer', { dropResponse: true });
    await click(stack, second, 'approve', APPROVER);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved' });
    const notes = decisionNotes(stack, number);
    expect(notes.filter((n) => n.includes('superseded by new evidence'))).toHaveLength(1);
    expect(notes.filter((n) => n.includes('approval 1 of 1 by'))).toHaveLength(1);
    expect(notes.find((n) => n.includes('approval 1 of 1'))).toContain(`Evidence sha256: ${buttonsOf(second)[0]!.value.split('|')[1]}`);
    const audit = await stack.audit.list({ incidentNumber: number });
    expect(audit.filter((r) => r.action === 'approval-superseded')).toHaveLength(1);
  });

  it('runs an agent-proposed catalog action once after approval, then resolves with its outcome; Preview runs nothing', async () => {
    stack = await startStack({ catalog: catalog() });
    const number = openIncident(stack, { short_description: 'Payments API 5xx error rate above 5%', cmdb_ci: 'payments-api' });
    const decision = await decisionMessage(stack, number);
    expect(JSON.stringify(decision.blocks).replace(/\u200b/g, '')).toContain('*Proposed:* `restart-service payments-api`');
    expect(buttonsOf(decision).map((b) => b.action_id)).toEqual(['opsloop.decision.approve', 'opsloop.decision.reject', 'opsloop.decision.escalate', 'opsloop.preview']);

    const preview = buttonsOf(decision).find((b) => b.action_id === 'opsloop.preview')!;
    const responseUrl = stack.slack.newResponseUrl();
    await sendButtonClick(stack.apiUrl, stack.signingSecret, { userId: APPROVER, actionId: preview.action_id, value: preview.value, channelId: decision.channel, messageTs: decision.ts, responseUrl });
    const shown = String((await eventually(() => stack.slack.responsesFor(responseUrl)[0]?.body)).text);
    expect(shown).toContain('Preview (nothing was run)');
    expect(shown).toContain(`${process.execPath} -e`);
    expect(actionRuns(stack, number)).toHaveLength(0);

    await click(stack, decision, 'approve', APPROVER);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved' });
    expect(actionRuns(stack, number)).toHaveLength(1);
    expect(threadReplies(stack, rootMessages(stack, number)[0]!).map((m) => m.text).join('\n')).toContain('restarted payments-api');
    const incident = stack.servicenow.incident(number)!;
    expect(incident.state).toBe('6');
    expect(incident.close_notes).toContain('Remediation: ran `restart-service payments-api` (exited with code 0)');
    expect(incident.work_notes.filter((n) => n.includes('Proposed action `restart-service payments-api` approved'))).toHaveLength(1);
  });

  it('never runs a proposed action after a rejection or a stale click; an invalid proposal is text only', async () => {
    stack = await startStack({ catalog: catalog() });
    const rejected = openIncident(stack, { short_description: 'Payments API 5xx errors again', cmdb_ci: 'payments-api' });
    const decision = await decisionMessage(stack, rejected);
    await click(stack, decision, 'reject', APPROVER);
    await expect(incidentResult(stack, rejected)).resolves.toMatchObject({ outcome: 'rejected' });
    const stale = await click(stack, decision, 'approve', APPROVERS[1]!);
    expect(String((await eventually(() => stack.slack.responsesFor(stale.responseUrl)[0]?.body)).text)).toMatch(/Already decided|closed/);
    expect(actionRuns(stack, rejected)).toHaveLength(0);

    // Not in the catalog's enum: shown, but nothing to run it with.
    const invalid = openIncident(stack, { short_description: 'Search API 5xx errors', cmdb_ci: 'search-api' });
    const message = await decisionMessage(stack, invalid);
    expect(JSON.stringify(message.blocks)).toContain('shown as text only; it cannot be run from here: service must be one of payments-api, checkout-api');
    expect(buttonsOf(message).map((b) => b.action_id)).not.toContain('opsloop.preview');
    expect(JSON.stringify(message.blocks)).toContain('Approve resolution');
  });

  it('never runs a proposed action when the decision expires', async () => {
    stack = await startStack({ catalog: catalog(), env: { OPSLOOP_APPROVAL_EXPIRY_MS: '2000', OPSLOOP_APPROVAL_REMINDER_MS: '2000' } });
    const number = openIncident(stack, { short_description: 'Payments API 5xx errors at night', cmdb_ci: 'payments-api' });
    const decision = await decisionMessage(stack, number);
    expect(JSON.stringify(decision.blocks).replace(/\u200b/g, '')).toContain('*Proposed:* `restart-service payments-api`');
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'expired' });
    expect(actionRuns(stack, number)).toHaveLength(0);
    expect(decisionNotes(stack, number).filter((n) => n.includes('expired without a decision'))).toHaveLength(1);
  });

  it('a dry run shows what would execute and starts nothing', async () => {
    stack = await startStack({ catalog: catalog() });
    const reply = await sendSlashCommand(stack.apiUrl, stack.signingSecret, {
      command: '/ops',
      text: 'run restart-service payments-api --dry-run',
      userId: 'U0OPERATOR',
      channelId: 'C0OPS',
      responseUrl: stack.slack.newResponseUrl(),
    });
    expect((reply.body as { text: string }).text).toContain(`Would execute: \`${process.execPath} -e`);
    await expectNoWorkflowsIn(stack);
  });
});
