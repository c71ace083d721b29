import { approvalMessage, escapeMrkdwn, incidentRootMessage, markdownToMrkdwn } from '../../../src/clients/slack/blocks';

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

  it('renders the agent’s Markdown as Slack mrkdwn', () => {
    expect(markdownToMrkdwn('## Root cause\n**Pool** exhausted <b>')).toBe('*Root cause*\n*Pool* exhausted &lt;b&gt;');
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
