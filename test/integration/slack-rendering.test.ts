import { ActivityFailure, WorkflowFailedError } from '@temporalio/client';
import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import type { ChannelMessage } from '../../src/sandbox/fake-slack';
import { sendSlashCommand } from '../../src/sandbox/slack-requests';
import { sendAgentFindings } from '../helpers/agent-callback';
import { eventually } from '../helpers/eventually';
import { decisionMessage, openIncident, rootMessages, threadReplies } from '../helpers/incident-loop';
import { startStack, type Stack } from '../helpers/stack';

/** A findings summary as the AWS DevOps Agent writes it (Markdown), `sections` findings long. */
function agentSummary(sections: number): string {
  return [
    '# Investigation summary',
    ...Array.from(
      { length: sections },
      (_, i) => `## Finding ${i + 1}: connection pool exhausted on checkout-db

**Root cause**: the *checkout* service's pool (20 connections) ran dry after deploy \`v2.3.${i}\`; see [the pool dashboard](https://grafana.example.com/d/pool?panel=${i}&from=now-1h).

### Evidence
- p99 latency rose to **4.2 s** at 10:0${i % 10}
- \`PoolTimeoutError\` in the checkout-api logs
  - first seen in pod checkout-api-7f9c

\`\`\`sql
SELECT count(*) FROM pg_stat_activity WHERE state <> 'idle';
\`\`\`
`,
    ),
  ].join('\n\n');
}

/** Every text a person sees in a message: its notification text and every text object in its blocks. */
function textsOf(message: ChannelMessage): string[] {
  const texts: string[] = [message.text];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if ((object.type === 'mrkdwn' || object.type === 'plain_text') && typeof object.text === 'string') texts.push(object.text);
      Object.values(object).forEach(walk);
    }
  };
  walk(message.blocks);
  return texts;
}

/** Markdown that was not rendered: a heading marker at a line start or a `**`, outside code. */
const literalMarkdown = (mrkdwn: string) => mrkdwn.replace(/```[\s\S]*?```|`[^`\n]*`/g, '').match(/^#{1,6} |\*\*/m);

describe('what OpsLoop posts in Slack: rendered mrkdwn within Slack limits, and channels that refuse the bot', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack?.close();
  });

  it('shows Markdown findings rendered in the thread and in /ops status, long ones cut with a link to the full summary', async () => {
    // The sandbox agent stays silent: these findings come from the test, as an agent's callback.
    stack = await startStack({ agentDelayMs: 600_000 });
    const number = openIncident(stack, { short_description: 'Checkout API latency above 2 s', cmdb_ci: 'checkout-api' });
    await eventually(() => rootMessages(stack, number)[0], 30_000, 'the incident thread');
    const summary = agentSummary(60);
    expect(summary.length).toBeGreaterThan(20_000);
    const url = 'https://devops-agent.example.com/spaces/s-1/tasks/t-42';
    await sendAgentFindings(stack, {
      incidentNumber: number,
      status: 'completed',
      source: 'aws-devops-agent',
      summary,
      rootCause: '**Connection pool** exhausted after deploy `v2.3.1`',
      recommendation: '1. Roll back `v2.3.1`\n2. Raise the pool to **40**',
      url,
    });

    const decision = await decisionMessage(stack, number);
    const [root] = rootMessages(stack, number);
    const thread = [root!, ...threadReplies(stack, root!)];
    for (const message of thread) {
      expect(message.blocks?.length ?? 0).toBeLessThanOrEqual(50);
      for (const text of textsOf(message)) expect({ text: text.slice(0, 80), literal: literalMarkdown(text)?.[0] }).toEqual({ text: text.slice(0, 80), literal: undefined });
    }
    const sections = (decision.blocks as { type: string; text?: { text: string } }[]).filter((b) => b.type === 'section').map((b) => b.text!.text);
    expect(sections.every((t) => t.length <= 3000)).toBe(true);
    const shown = sections.join('\n').replace(/\u200b/g, '');
    expect(shown).toContain('*Likely cause*\n\n*Connection pool* exhausted after deploy `v2.3.1`');
    expect(shown).toContain('1.  Roll back `v2.3.1`');
    expect(shown).toContain('*Investigation summary*\n\n*Finding 1: connection pool exhausted on checkout-db*');
    expect(shown).toContain('<https://grafana.example.com/d/pool?panel=0&from=now-1h|the pool dashboard>');
    expect(shown).toContain('•   p99 latency rose to *4.2 s* at 10:00');
    expect(shown).not.toContain('Finding 60');
    expect(shown.endsWith(`…\n_The full text is in <${url}|the agent's summary> and in the ServiceNow work note._`)).toBe(true);

    const reply = await sendSlashCommand(stack.apiUrl, stack.signingSecret, { command: '/ops', text: `status ${number}`, userId: 'U0ALICE', channelId: 'C0INCIDENTS', responseUrl: stack.slack.newResponseUrl() });
    const status = (reply.body as { text: string }).text;
    expect(status.split('\n')[0]).toBe(`${number} · P2 · awaiting-decision · findings received`);
    expect(status.replace(/\u200b/g, '')).toContain('*Investigation summary*\n\n*Finding 1: connection pool exhausted on checkout-db*\n\n*Root cause*: the _checkout_ service');
    expect(literalMarkdown(status)).toBeNull();
    expect(status).toContain('…\n_More in the incident thread._');
    expect(status.length).toBeLessThan(1000);
  });

  it('says once per channel, in the worker log and the failure, how to invite the bot to a channel that refuses it', async () => {
    const warnings: { fields: Record<string, unknown>; message: string }[] = [];
    stack = await startStack({ env: { SLACK_INCIDENT_CHANNEL: 'C0WARROOM' }, workerWarn: (fields, message) => warnings.push({ fields, message }) });
    stack.slack.channels.add({ id: 'C0WARROOM', name: 'war-room' }); // public; nobody invited OpsLoop
    const first = openIncident(stack, { short_description: 'Checkout API latency above 2 s' });
    const second = openIncident(stack, { short_description: 'Payments API errors' });
    for (const number of [first, second]) {
      const handle = stack.client.workflow.getHandle(incidentWorkflowId(number));
      await eventually(() => handle.describe().catch(() => undefined), 30_000, `the investigation of ${number}`);
      const failure = await handle.result().catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const activityFailure = (failure as WorkflowFailedError).cause;
      expect(activityFailure).toBeInstanceOf(ActivityFailure);
      expect(String((activityFailure as ActivityFailure).cause?.message)).toContain('not_in_channel. OpsLoop is not a member of that channel: type `/invite @OpsLoop` in <#C0WARROOM>');
    }
    expect(warnings).toEqual([
      {
        fields: { channel: 'C0WARROOM', code: 'not_in_channel' },
        message: 'Slack refused channel C0WARROOM (not_in_channel): OpsLoop is not a member of that channel: type `/invite @OpsLoop` in <#C0WARROOM> (channel C0WARROOM), then try again.',
      },
    ]);
    expect(stack.slack.messages.filter((m) => m.channel === 'C0WARROOM')).toEqual([]);

    // Someone types /invite @OpsLoop in #war-room: the next incident opens its thread there.
    stack.slack.channels.setBotMember('C0WARROOM', true);
    const third = openIncident(stack, { short_description: 'Queue backlog growing' });
    await decisionMessage(stack, third);
    expect(rootMessages(stack, third)[0]!.channel).toBe('C0WARROOM');
    expect(warnings).toHaveLength(1);
  });
});
