import { approvalMessage, incidentRootMessage } from '../../../src/clients/slack/blocks';
import { withinLimits } from '../../../src/clients/slack/limits';
import { escapeMrkdwn } from '../../../src/clients/slack/mrkdwn';

const view = {
  number: 'INC0010001',
  priority: '1',
  shortDescription: '<!channel> db down & <https://evil.example|Open in ServiceNow>',
  assignmentGroup: 'SRE',
  cmdbCi: 'orders-db',
  stage: 'awaiting-decision',
  incidentUrl: 'https://acme.service-now.com/x',
  runUrl: 'http://localhost:8233/y',
};

describe('Block Kit builders', () => {
  it('escapes text from outside so it cannot ping a channel or disguise a link', () => {
    expect(escapeMrkdwn('<!here> a & b <x>')).toBe('&lt;!here&gt; a &amp; b &lt;x&gt;');
    const json = JSON.stringify(incidentRootMessage(view));
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil.example');
    expect(json).toContain('&lt;!channel&gt; db down &amp;');
    expect(json).toContain('<https://acme.service-now.com/x|Open in ServiceNow>'); // OpsLoop's own links stay links
  });

  it('puts the approval workflow id in the buttons and shows progress towards N approvals', () => {
    const request = {
      incidentNumber: 'INC0010001',
      question: 'Resolve INC0010001?',
      evidence: 'x',
      choices: ['approve', 'reject'] as ('approve' | 'reject')[],
      approvers: ['U1', 'U2'],
      approverGroups: [],
      requiredApprovals: 2,
      thread: { channel: 'C1', ts: '1.1' },
      reminderIntervalMs: 1,
      expiryMs: 2,
    };
    const message = approvalMessage(request, 'incident/INC0010001/approval/1', undefined, ['U1']);
    expect(JSON.stringify(message.blocks)).toContain('"value":"incident/INC0010001/approval/1"');
    expect(JSON.stringify(message.blocks)).toContain('1 of 2 approvals: <@U1>');
  });
});

describe('Slack limits on what OpsLoop sends', () => {
  const sectionTexts = (blocks: unknown[]) => (blocks as { type: string; text?: { text: string } }[]).filter((b) => b.type === 'section' && b.text).map((b) => b.text!.text);

  it('renders the evidence as mrkdwn and cuts 20,000 characters of findings with a link to the full summary', () => {
    const finding = (i: number) => `## Finding ${i}\n\n**Root cause**: pool exhausted in \`checkout-api\`; see [the dashboard](https://grafana.example.com/d/${i}).\n\n- p99 **4.2 s**\n- errors: \`PoolTimeoutError\`\n`;
    const evidence = `**Incident:** P1 · CI orders-db\n\n**Proposed:** \`restart-service orders\`\n\n**Findings** (aws-devops-agent)\n\n${Array.from({ length: 150 }, (_, i) => finding(i)).join('\n')}`;
    expect(evidence.length).toBeGreaterThan(20_000);
    const request = {
      incidentNumber: 'INC0010001',
      question: 'Run the proposed action, then resolve INC0010001?',
      evidence,
      evidenceUrl: 'https://devops-agent.example.com/tasks/t-9',
      choices: ['approve', 'reject', 'escalate'] as ('approve' | 'reject' | 'escalate')[],
      approvers: ['*'],
      approverGroups: [],
      requiredApprovals: 1,
      thread: { channel: 'C1', ts: '1.1' },
      reminderIntervalMs: 1,
      expiryMs: 2,
    };
    const { blocks = [] } = approvalMessage(request, 'incident/INC0010001/approval/1');
    const texts = sectionTexts(blocks);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(texts.every((t) => t.length <= 3000)).toBe(true);
    expect(texts.join('').length).toBeLessThanOrEqual(12_000);
    const shown = texts.join('\n').replace(/\u200b/g, '');
    expect(shown).not.toMatch(/^#|\*\*/m);
    expect(shown).toContain('*Incident:* P1 · CI orders-db');
    expect(shown).toContain('*Proposed:* `restart-service orders`');
    expect(shown).toContain('*Finding 0*');
    expect(shown).toContain('<https://grafana.example.com/d/0|the dashboard>');
    expect(shown).toMatch(/…\n_The full text is in <https:\/\/devops-agent\.example\.com\/tasks\/t-9\|the agent's summary> and in the ServiceNow work note\._$/);
    expect(blocks.some((b) => b.type === 'actions')).toBe(true);
  });

  it('cuts any message to Slack limits before it is sent: text, blocks, sections, fields, headers and buttons', () => {
    const long = (n: number) => 'word '.repeat(n / 5);
    const message = withinLimits({
      text: long(5000),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: long(200) } },
        { type: 'section', text: { type: 'mrkdwn', text: long(3500) }, fields: Array.from({ length: 12 }, () => ({ type: 'mrkdwn' as const, text: long(2500) })) },
        { type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: long(100) }, value: 'v' }] },
        ...Array.from({ length: 60 }, () => ({ type: 'divider' as const })),
      ],
    });
    expect(message.text.length).toBeLessThanOrEqual(4000);
    const [header, section, actions] = message.blocks as { text?: { text: string }; fields?: { text: string }[]; elements?: { text: { text: string } }[] }[];
    expect(message.blocks).toHaveLength(50);
    expect(header!.text!.text.length).toBeLessThanOrEqual(150);
    expect(section!.text!.text.length).toBeLessThanOrEqual(3000);
    expect(section!.fields).toHaveLength(10);
    expect(section!.fields!.every((f) => f.text.length <= 2000)).toBe(true);
    expect(actions!.elements![0]!.text.text.length).toBeLessThanOrEqual(75);
  });
});
