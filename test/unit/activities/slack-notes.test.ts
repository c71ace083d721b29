import { MockActivityEnvironment } from '@temporalio/testing';
import { createSlackActivities } from '../../../src/activities/slack';
import { createSlackClient } from '../../../src/clients/slack/client';
import { startFakeSlack, type FakeSlack } from '../../../src/sandbox/fake-slack';

describe('thread notes', () => {
  const token = 'xoxb-notes-test';
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack({ botToken: token, channels: [{ id: 'C0INCIDENTS', name: 'incidents', botIsMember: true }] });
  });
  afterAll(async () => {
    await slack.close();
  });

  const activities = () => createSlackActivities(createSlackClient({ token, apiUrl: `${slack.url}/api/` }));
  const thread = { channel: 'C0INCIDENTS', ts: '1700000000.000001' };
  const posted = (ts: unknown) => slack.messages.find((m) => m.ts === ts)!.text;

  it('posts text from outside as rendered mrkdwn, mentions inert, cut within msg_too_long with where the rest is', async () => {
    const markdown = `## The agent refused\n\n**Access denied** for \`aidevops:CreateBacklogTask\` <!channel>\n\n${'- a line of the agent report\n'.repeat(400)}`;
    const ts = await new MockActivityEnvironment({ activityId: 'note-1' }).run(activities().postThreadNote, thread, markdown, { markdown: true, fullTextUrl: 'https://agent.example.com/t/1' });
    const text = posted(ts);
    expect(text.length).toBeLessThanOrEqual(4000);
    expect(text.replace(/\u200b/g, '')).toMatch(/^\*The agent refused\*\n\n\*Access denied\* for `aidevops:CreateBacklogTask` &lt;!channel&gt;\n\n• {3}a line/);
    expect(text.endsWith("…\n_The full text is in <https://agent.example.com/t/1|the agent's summary> and in the ServiceNow work note._")).toBe(true);
  });

  it("posts OpsLoop's own mrkdwn as written, and cuts it to Slack's limit rather than have it refused", async () => {
    const own = `:warning: <@U0ADMIN> *bold* ${'x'.repeat(5000)}`;
    const ts = await new MockActivityEnvironment({ activityId: 'note-2' }).run(activities().postThreadNote, thread, own);
    expect(posted(ts).startsWith(':warning: <@U0ADMIN> *bold* xxx')).toBe(true);
    expect(posted(ts).length).toBeLessThanOrEqual(4000);
  });
});
