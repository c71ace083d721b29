import { cutMrkdwn, fullTextPointer, markdownToMrkdwn, renderMarkdown, splitMrkdwn } from '../../../src/clients/slack/mrkdwn';

/** What a reader sees: the converter puts zero-width spaces around bold and italics so Slack takes them mid-word. */
const visible = (mrkdwn: string) => mrkdwn.replace(/\u200b/g, '');
const fences = (mrkdwn: string) => mrkdwn.match(/```/g)?.length ?? 0;

/** A findings summary as an agent writes it, `sections` times over: headings, bold, lists, links, code, a table. */
function agentSummary(sections: number): string {
  return Array.from(
    { length: sections },
    (_, i) => `## Finding ${i + 1}: connection pool exhausted

**Root cause**: the *checkout* service's pool (size 20) was exhausted after deploy \`v2.3.${i}\`.

### Evidence
- p99 latency rose to **4.2 s** at 10:0${i % 10}
- errors in \`checkout-api\`: \`PoolTimeoutError\`
  - nested: see [dashboard ${i}](https://grafana.example.com/d/pool?panel=${i}&from=now-1h)
1. Roll back
2. Restart the pods

\`\`\`sql
SELECT count(*) FROM pg_stat_activity WHERE state <> 'idle' AND wait > 1;
\`\`\`

| metric | before | after |
| --- | --- | --- |
| p99 | 180 ms | **4.2 s** |
`,
  ).join('\n');
}

describe('Markdown rendered as Slack mrkdwn', () => {
  it('turns headings into bold lines and leaves no # or ** behind', () => {
    const out = visible(markdownToMrkdwn('# Summary\n\n## Root cause\n\ntext\n\n### Evidence\n\nSetext\n======\n\n##NoSpace'));
    expect(out).toBe('*Summary*\n\n*Root cause*\n\ntext\n\n*Evidence*\n\n*Setext*\n\n*NoSpace*');
  });

  it('renders bold, italics and strike-through in mrkdwn, and drops a ** the agent left open', () => {
    expect(visible(markdownToMrkdwn('**bold** and __also__, *em* and _em_, ~~gone~~'))).toBe('*bold* and *also*, _em_ and _em_, ~gone~');
    expect(markdownToMrkdwn('cut off **in the middle')).toBe('cut off in the middle');
    expect(markdownToMrkdwn('snake_case_name and 2 * 3 * 4')).toBe('snake_case_name and 2 * 3 * 4');
  });

  it('renders bullet, numbered and nested lists', () => {
    expect(visible(markdownToMrkdwn('- one **1**\n- two\n  - nested\n\n1. first\n2. second'))).toBe('•   one *1*\n•   two\n    •   nested\n\n1.  first\n2.  second');
  });

  it('renders links as Slack links and keeps bare URLs clickable', () => {
    expect(markdownToMrkdwn('[the dashboard](https://grafana.example.com/d?a=1&b=2) and https://aws.example.com/x')).toBe(
      '<https://grafana.example.com/d?a=1&b=2|the dashboard> and <https://aws.example.com/x|https://aws.example.com/x>',
    );
  });

  it('keeps code as code: no markup inside it, and <, > and & escaped as Slack asks', () => {
    expect(markdownToMrkdwn('run `a < b && **c**` now')).toBe('run `a &lt; b &amp;&amp; **c**` now');
    expect(markdownToMrkdwn('```js\nif (a < b) { x = "## not a heading" }\n```')).toBe('```\nif (a &lt; b) { x = "## not a heading" }\n```');
  });

  it('shows mentions and special commands from the agent without acting on them', () => {
    const out = markdownToMrkdwn('ping <!channel> <!here> <@U0ADMIN> <#C0OPS> <!subteam^S1> &lt;@U0ENTITY&gt; and <https://evil.example|Open ServiceNow>');
    expect(out).not.toMatch(/<[!@#]/);
    expect(out).not.toContain('<https://evil.example|');
    expect(out).toContain('&lt;@U0ADMIN&gt;');
    expect(out).toContain('&lt;@U0ENTITY&gt;');
    expect(markdownToMrkdwn('a & b <i>x</i>')).toBe('a &amp; b &lt;i&gt;x&lt;/i&gt;');
  });

  it('shows a table monospaced', () => {
    expect(markdownToMrkdwn('| metric | value |\n| --- | --- |\n| p99 | 4.2 s |')).toBe('```\n| metric | value |\n| ------ | ----- |\n| p99    | 4.2 s |\n```');
  });

  it('renders a 20,000-character summary within Block Kit limits, cut with a pointer to the full text', () => {
    const summary = agentSummary(40);
    expect(summary.length).toBeGreaterThan(20_000);
    const url = 'https://devops-agent.example.com/tasks/t-123';
    const pieces = renderMarkdown(summary, { maxChars: 3000, maxPieces: 3, tail: fullTextPointer(url) });
    expect(pieces).toHaveLength(3);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(3000);
      expect(piece).not.toMatch(/^#|\*\*/m);
      expect(fences(piece) % 2).toBe(0);
      expect(piece).not.toMatch(/<[^>]*$/); // no link left open
    }
    expect(pieces.join('').length).toBeGreaterThan(8000);
    expect(pieces[2]).toMatch(/…\n_The full text is in <https:\/\/devops-agent\.example\.com\/tasks\/t-123\|the agent's summary> and in the ServiceNow work note\._$/);
    expect(pieces[0]!.startsWith('*Finding 1: connection pool exhausted*')).toBe(true);
  });

  it('says where the rest is whenever it left text out, even when what it rendered fits', () => {
    const long = `${'A plain sentence that renders to about as long as it is written. '.repeat(40)}\n\n`.repeat(3);
    const [only] = renderMarkdown(long, { maxChars: 3000, tail: 'More in the incident thread.' });
    expect(only!.length).toBeLessThanOrEqual(3000);
    expect(only!.endsWith('…\n_More in the incident thread._')).toBe(true);
    expect(renderMarkdown('**short**', { maxChars: 3000, tail: 'never shown' })).toEqual(['\u200b*short*\u200b']);
    expect(renderMarkdown('   ', { maxChars: 3000 })).toEqual([]);
  });

  it('leaves text that fits alone, in one piece', () => {
    const short = markdownToMrkdwn(agentSummary(1));
    expect(cutMrkdwn(short, 3000, 'more elsewhere')).toBe(short);
    expect(splitMrkdwn(short, { maxChars: 3000, maxPieces: 3, tail: 'x' })).toEqual([short]);
  });

  it('cuts at a line or word boundary, never inside a link, and closes an open code block', () => {
    const link = `see ${'word '.repeat(10)}<https://example.com/${'p'.repeat(50)}|the page> after`;
    const cut = cutMrkdwn(link, 80, 'rest elsewhere');
    expect(cut.length).toBeLessThanOrEqual(80);
    expect(cut).not.toContain('<https');
    expect(cut.endsWith('…\n_rest elsewhere_')).toBe(true);
    const code = cutMrkdwn(`intro\n\`\`\`\n${'line of code\n'.repeat(50)}\`\`\``, 200);
    expect(code.length).toBeLessThanOrEqual(200);
    expect(fences(code)).toBe(2);
    const word = cutMrkdwn(`${'x'.repeat(20)} ${'y'.repeat(200)}`, 100); // a word longer than the room left is cut, not dropped
    expect([word.length > 90 && word.length <= 100, /^x{20} y+…$/.test(word)]).toEqual([true, true]);
    expect(cutMrkdwn('😀'.repeat(100), 52)).toMatch(/^(😀)+…$/); // never half an emoji
    expect(fullTextPointer()).toBe('The full text is in the ServiceNow work note.');
  });
});
