import { startFakeSlack, type FakeSlack } from '../../../src/sandbox/fake-slack';

/** The sandbox Slack refuses what Slack refuses, in Slack's own words. */
describe('the sandbox Slack enforces Slack limits and errors', () => {
  const token = 'xoxb-limits-test';
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack({
      botToken: token,
      channels: [
        { id: 'C0JOINED', name: 'incidents', botIsMember: true },
        { id: 'C0PUBLIC', name: 'random' },
        { id: 'C0SECRET', name: 'secret', isPrivate: true },
      ],
    });
  });
  afterAll(async () => {
    await slack.close();
  });

  const call = async (method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const res = await fetch(`${slack.url}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(args) });
    expect(res.status).toBe(200); // the Web API answers its errors with HTTP 200 and ok: false
    return (await res.json()) as Record<string, unknown>;
  };
  const post = (blocks: unknown[], text = 'fallback', channel = 'C0JOINED') => call('chat.postMessage', { channel, text, blocks });
  const section = (length: number) => ({ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(length) } });
  const invalid = (problem: string) => ({ ok: false, error: 'invalid_blocks', errors: [problem], response_metadata: { messages: [`[ERROR] ${problem}`] } });

  it('takes section text of 3,000 characters and refuses 3,001 with invalid_blocks and a JSON pointer', async () => {
    expect(await post([section(3000)])).toMatchObject({ ok: true });
    expect(await post([section(10), section(3001)])).toEqual(invalid('must be less than 3001 characters [json-pointer:/blocks/1/text/text]'));
  });

  it('takes 50 blocks in a message and refuses 51', async () => {
    expect(await post(Array.from({ length: 50 }, () => section(1)))).toMatchObject({ ok: true });
    expect(await post(Array.from({ length: 51 }, () => section(1)))).toEqual(invalid('no more than 50 items allowed [json-pointer:/blocks]'));
  });

  it('refuses a header over 150 characters, a button value over 2,000, more than 10 fields, and empty text', async () => {
    expect(await post([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }])).toEqual(invalid('must be less than 151 characters [json-pointer:/blocks/0/text/text]'));
    const button = (value: string) => ({ type: 'actions', elements: [{ type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'Go' }, value }] });
    expect(await post([button('v'.repeat(2000))])).toMatchObject({ ok: true });
    expect(await post([button('v'.repeat(2001))])).toEqual(invalid('must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]'));
    const fields = Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' }));
    expect(await post([{ type: 'section', fields }])).toEqual(invalid('no more than 10 items allowed [json-pointer:/blocks/0/fields]'));
    expect(await post([section(0)])).toEqual(invalid('must be more than 0 characters [json-pointer:/blocks/0/text/text]'));
  });

  it('answers msg_too_long for text over 4,000 characters, on post and on update', async () => {
    const posted = await call('chat.postMessage', { channel: 'C0JOINED', text: 't'.repeat(4000) });
    expect(posted).toMatchObject({ ok: true });
    expect(await call('chat.postMessage', { channel: 'C0JOINED', text: 't'.repeat(4001) })).toEqual({ ok: false, error: 'msg_too_long' });
    expect(await call('chat.update', { channel: 'C0JOINED', ts: posted.ts, text: 't'.repeat(4001) })).toEqual({ ok: false, error: 'msg_too_long' });
    expect(await call('chat.update', { channel: 'C0JOINED', ts: posted.ts, text: 'ok', blocks: [section(3001)] })).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(slack.messages.find((m) => m.ts === posted.ts)?.edits).toBe(0);
  });

  it('keeps nothing it refused', async () => {
    const before = slack.messages.length;
    await post([section(3001)]);
    await call('chat.postMessage', { channel: 'C0JOINED', text: 't'.repeat(4001) });
    expect(slack.messages).toHaveLength(before);
  });

  it('refuses a modal over 100 blocks or with a title over 24 characters as invalid_arguments', async () => {
    const view = (blocks: number, title = 'Resolve INC0010001') => ({ type: 'modal', title: { type: 'plain_text', text: title }, blocks: Array.from({ length: blocks }, () => section(1)) });
    expect(await call('views.open', { trigger_id: 't1', view: view(100) })).toMatchObject({ ok: true });
    expect(await call('views.open', { trigger_id: 't2', view: view(101) })).toEqual({ ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]'] } });
    expect(await call('views.open', { trigger_id: 't3', view: view(1, 'x'.repeat(25)) })).toEqual({
      ok: false,
      error: 'invalid_arguments',
      response_metadata: { messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] },
    });
  });

  it('answers not_in_channel in a public channel the bot was not invited to, until it is', async () => {
    expect(await call('chat.postMessage', { channel: 'C0PUBLIC', text: 'hello' })).toEqual({ ok: false, error: 'not_in_channel' });
    expect(await call('conversations.history', { channel: 'C0PUBLIC' })).toEqual({ ok: false, error: 'not_in_channel' });
    slack.channels.setBotMember('C0PUBLIC', true);
    expect(await call('chat.postMessage', { channel: 'C0PUBLIC', text: 'hello' })).toMatchObject({ ok: true, channel: 'C0PUBLIC' });
    slack.channels.setBotMember('C0PUBLIC', false);
    expect(await call('chat.postMessage', { channel: 'C0PUBLIC', text: 'hello' })).toEqual({ ok: false, error: 'not_in_channel' });
  });

  it('answers channel_not_found for a channel that does not exist and for a private one the bot is not in', async () => {
    for (const channel of ['C0NOSUCH', 'C0SECRET', '']) {
      expect(await call('chat.postMessage', { channel, text: 'hello' })).toEqual({ ok: false, error: 'channel_not_found' });
    }
    expect(await call('conversations.replies', { channel: 'C0SECRET', ts: '1.1' })).toEqual({ ok: false, error: 'channel_not_found' });
    expect(await call('chat.getPermalink', { channel: 'C0NOSUCH', message_ts: '1.1' })).toEqual({ ok: false, error: 'channel_not_found' });
  });

  it('refuses invalid blocks through a response_url as an incoming webhook does: HTTP 400 and the error', async () => {
    const url = slack.newResponseUrl();
    const refused = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x', blocks: [section(3001)] }) });
    expect([refused.status, await refused.text()]).toEqual([400, 'invalid_blocks']);
    const long = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 't'.repeat(4001) }) });
    expect([long.status, await long.text()]).toEqual([400, 'msg_too_long']);
    expect(slack.responsesFor(url)).toEqual([]);
  });
});
