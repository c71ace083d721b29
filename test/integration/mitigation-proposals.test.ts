import type { Catalog } from '../../src/runbook/catalog-schema';
import { sandboxCatalog } from '../../src/runbook/sandbox-catalog';
import type { ChannelMessage } from '../../src/sandbox/fake-slack';
import { sendAgentFindings } from '../helpers/agent-callback';
import { eventually } from '../helpers/eventually';
import { buttonsOf, click, decisionMessage, incidentResult, openIncident, rootMessages, threadReplies } from '../helpers/incident-loop';
import { restartCatalog } from '../helpers/restart-catalog';
import { startStack, type Stack } from '../helpers/stack';
import { APPROVERS } from '../helpers/test-policy';

const [FIRST, SECOND] = APPROVERS as [string, string];

/** restart-service (one approver) and a roll-back that needs two, each with the rule that maps a plan to it. */
const catalog = (): Catalog => {
  const base = restartCatalog();
  const restart = base.actions[0]!;
  return {
    ...base,
    actions: [
      restart,
      {
        ...restart,
        name: 'rollback-deployment',
        description: 'Roll back the latest deployment',
        approval: 'two',
        executor: { type: 'command', executable: process.execPath, args: ['-e', 'console.log("rolled back " + process.argv[1])', '{service}'], env: [], safeToRetry: false },
      },
    ],
    proposals: [
      ...base.proposals!,
      { name: 'roll-back-incident-ci', match: 'roll back the latest `[a-z0-9-]+` deployment', ignoreCase: true, action: 'rollback-deployment', params: { service: '{incident.cmdbCi}' } },
    ],
  };
};

/** What a message shows, without the zero-width spaces the mrkdwn renderer puts around emphasis. */
const shownIn = (message: ChannelMessage | undefined): string => JSON.stringify(message?.blocks ?? []).replace(/\u200b/g, '');

/** The decision asked after the agent's own findings, once findings carrying `marker` superseded it. */
async function decisionShowing(stack: Stack, number: string, marker: string): Promise<ChannelMessage> {
  const live = await eventually(
    () => threadReplies(stack, rootMessages(stack, number)[0]!).find((m) => buttonsOf(m).length > 0 && shownIn(m).includes(marker)),
    30_000,
    `a decision showing "${marker}"`,
  );
  return structuredClone(live);
}

/** Findings as an agent's adapter would deliver them through the findings callback, with a Markdown mitigation plan. */
async function deliverPlan(stack: Stack, number: string, summary: string, mitigation: string): Promise<void> {
  // The sandbox agent's own findings come first; the plan then replaces them, as later findings do.
  await decisionMessage(stack, number);
  await sendAgentFindings(stack, { incidentNumber: number, status: 'completed', source: 'aws-devops-agent', summary, mitigation });
}

describe('an agent mitigation plan mapped through the catalog proposals', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  const ranInThread = (number: string, label: string) => threadReplies(stack, rootMessages(stack, number)[0]!).filter((m) => m.text.includes(`\`${label}\` succeeded`));

  it('shows the mapped action with its preview and rule, and runs it only after the two approvals the action needs', async () => {
    stack = await startStack({ catalog: catalog() });
    const number = openIncident(stack, { short_description: 'Checkout totals wrong for some carts', cmdb_ci: 'checkout-api' });
    const plan = '## Mitigation\n\n1. Roll back the latest `checkout-api` deployment.\n2. Then alarm on connection-pool wait time.';
    await deliverPlan(stack, number, 'Pool saturation after the 14:00 deploy (plan A).', plan);

    const decision = await decisionShowing(stack, number, 'plan A');
    const shown = shownIn(decision);
    expect(shown).toContain('Run the proposed action, then resolve');
    expect(shown).toContain('*Proposed:* `rollback-deployment checkout-api` (will execute `');
    expect(shown).toContain('approval: two approvers');
    expect(shown).toContain("Mapped from the mitigation plan by the runbook's `roll-back-incident-ci` rule");
    expect(shown).toContain('*Mitigation plan*');
    expect(shown).toContain('0 of 2 approvals');
    expect(shown).toContain('"text":"Approve and run"');
    expect(buttonsOf(decision).map((b) => b.action_id)).toEqual(['opsloop.decision.approve', 'opsloop.decision.reject', 'opsloop.decision.escalate', 'opsloop.preview']);

    // The P2 incident needs one approver, but the action's own rule needs two: one approval runs nothing.
    await click(stack, decision, 'approve', FIRST);
    await eventually(() => shownIn(stack.slack.messages.find((m) => m.ts === decision.ts)).includes('1 of 2 approvals'), 30_000, 'the first approval counted');
    await new Promise((r) => setTimeout(r, 1000));
    expect(ranInThread(number, 'rollback-deployment checkout-api')).toHaveLength(0);
    expect(stack.servicenow.incident(number)!.state).toBe('2');

    await click(stack, decision, 'approve', SECOND);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved' });
    expect(ranInThread(number, 'rollback-deployment checkout-api')).toHaveLength(1);
    expect(threadReplies(stack, rootMessages(stack, number)[0]!).map((m) => m.text).join('\n')).toContain('rolled back checkout-api');
    expect(stack.servicenow.incident(number)!.close_notes).toContain('Remediation: ran `rollback-deployment checkout-api`');
  });

  it("maps the sandbox agent's plan, read from its task's journal, through the sandbox catalog's proposals", async () => {
    stack = await startStack({ catalog: sandboxCatalog('http://127.0.0.1:9/healthz') });
    const number = openIncident(stack, { short_description: 'Checkout API p99 latency above 2 s', cmdb_ci: 'checkout-api' });
    const decision = await decisionMessage(stack, number);
    const shown = shownIn(decision);
    expect(shown).toContain('*Proposed:* `rollback-deployment checkout-api`');
    expect(shown).toContain('approval: two approvers');
    expect(shown).toContain("by the runbook's `roll-back-incident-ci` rule, from: “1. Roll back the latest `checkout-api` deployment.”");
    await click(stack, decision, 'reject', FIRST);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'rejected' });
    expect(threadReplies(stack, rootMessages(stack, number)[0]!).map((m) => m.text).join('\n')).not.toContain('rolled back');
  });

  it('shows a value the action refuses as text only with the reason, and a plan no rule matches as the plan alone', async () => {
    stack = await startStack({ catalog: catalog() });
    const number = openIncident(stack, { short_description: 'Search totals wrong for some queries', cmdb_ci: 'search-api' });
    await deliverPlan(stack, number, 'Stale index after a config push (plan B).', '1. Restart the `search-api` service to reload the configuration.');

    const refused = shownIn(await decisionShowing(stack, number, 'plan B'));
    expect(refused).toContain('shown as text only; it cannot be run from here: service must be one of payments-api, checkout-api');
    expect(refused).toContain('`restart-service search-api`');
    expect(refused).toContain('Approve resolution');

    await sendAgentFindings(stack, { incidentNumber: number, status: 'completed', source: 'aws-devops-agent', summary: 'Stale index (plan C).', mitigation: '1. Rebuild the search index from the last snapshot.' });
    const unmatched = await decisionShowing(stack, number, 'plan C');
    const shown = shownIn(unmatched);
    expect(shown).toContain('*Mitigation plan*');
    expect(shown).toContain('Rebuild the search index from the last snapshot.');
    expect(shown).toContain('approving runs nothing, it only resolves the ticket');
    expect(shown).not.toContain('Proposed');
    expect(shown).toContain('"text":"Approve resolution"');
    expect(buttonsOf(unmatched).map((b) => b.action_id)).toEqual(['opsloop.decision.approve', 'opsloop.decision.reject', 'opsloop.decision.escalate']);

    await click(stack, unmatched, 'approve', FIRST);
    await expect(incidentResult(stack, number)).resolves.toMatchObject({ outcome: 'resolved' });
    expect(threadReplies(stack, rootMessages(stack, number)[0]!).filter((m) => /succeeded|failed/.test(m.text) && m.text.includes('restart-service'))).toHaveLength(0);
  });
});
