import fc from 'fast-check';

/** Strings that have broken chat bots and web apps: SQL, shell, templates, Slack mentions, visibility queries, control characters. */
export const INJECTIONS = [
  "'; DROP TABLE incident; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '<!channel> <!here> <@U0ADMIN>',
  '${process.env.SLACK_BOT_TOKEN}',
  '{{7*7}} #{7*7} %{7*7}',
  '`id` $(reboot) ; rm -rf /',
  '../../../../etc/passwd',
  '%00%0d%0aSet-Cookie: x=1',
  '\u0000\u0007\u001b[31m',
  '\u202eevil\u202c \u200b\ufeff',
  'Z̷̧͖̈́a̶͎͗l̵̨̈g̸̣̈́o̴͉͐',
  '👩🏽‍🚒🏳️‍🌈𝕴𝖓𝖈',
  'OpsRequester = "x" OR WorkflowType != ""',
  '\\" OR TaskQueue != "',
  'INC0010001\nresolve INC0010002',
  '__proto__',
  'constructor.prototype.polluted',
  'x'.repeat(5000),
];

/** Unicode of every kind (lone surrogates included), the injections, and mixtures of both. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.constantFrom(...INJECTIONS),
  fc.array(fc.constantFrom(...INJECTIONS), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(' ')),
);

/** What a client may claim a body is, including Slack's and the webhooks' own types with odd parameters. */
export const contentTypes: fc.Arbitrary<string> = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded; charset=ISO-8859-1',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/json',
  'application/json; charset=utf-16',
  'application/json;charset=UTF-8',
  'text/plain',
  'text/html; charset=utf-8',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'application/octet-stream',
  'application/x-www-form-urlencodedX',
  '',
);

/** A body as bytes: usually the text in UTF-8, sometimes bytes that are no UTF-8 at all. */
export const asBytes = (text: fc.Arbitrary<string>): fc.Arbitrary<Buffer> =>
  fc.oneof({ weight: 4, arbitrary: text.map((t) => Buffer.from(t, 'utf8')) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) });
