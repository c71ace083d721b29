import slackifyMarkdown from 'slackify-markdown';

/*
 * Text for Slack: the agent's Markdown rendered as mrkdwn, and any text cut to fit Slack's limits
 * (https://docs.slack.dev/messaging/formatting-message-text). Workflows compose standard Markdown; this module is
 * the one place it becomes mrkdwn, so the thread never shows a literal `##` or `**`.
 */

/**
 * Escapes plain text from outside OpsLoop (ticket fields) for mrkdwn: `<!channel>` must not ping a channel and
 * `<https://evil|Open>` must not disguise a link (https://docs.slack.dev/messaging/formatting-message-text#escaping).
 */
export const escapeMrkdwn = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Markdown source with `&`, `<` and `>` written as entities, so the parser sees no raw HTML and no autolink
 * syntax it could pass through to Slack as a control sequence. Entities already in the text are kept (Markdown
 * decodes them), and `>` that opens a block quote stays.
 */
function entityEscaped(markdown: string): string {
  return markdown
    .replace(/&(?!(?:amp|lt|gt|quot|#\d{1,6});)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/^([ \t>]*)(.*)$/gm, (_line, quote: string, rest: string) => `${quote}${rest.replace(/>/g, '&gt;')}`);
}

/** Applies `inside` to each match of `pattern` (global) and `outside` to the text between matches. */
function mapParts(text: string, pattern: RegExp, inside: (part: string) => string, outside: (part: string) => string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    out += outside(text.slice(last, match.index)) + inside(match[0]);
    last = match.index + match[0].length;
  }
  return out + outside(text.slice(last));
}

const FENCED_CODE = /```[\s\S]*?(?:```|$)/g;
const INLINE_CODE = /`[^`\n]*`/g;
/** A run of lines that are a Markdown table, as the converter leaves it. */
const TABLE = /(?:^\|.*\|[ \t]*(?:\n|$))+/gm;
const ZERO_WIDTH_SPACE = /\u200b/g;

/** A table shown monospaced, so its columns line up (mrkdwn has no tables); the converter counted its zero-width spaces as columns. */
const fencedTable = (table: string): string => `\`\`\`\n${table.replace(ZERO_WIDTH_SPACE, ' ').trimEnd()}\n\`\`\`\n`;

function tidyProse(prose: string): string {
  return (
    prose
      // The converter keeps <@U…> and <#C…> as live mentions; text from the agent must not ping anyone.
      .replace(/<([@#!][^<>]*)>/g, '&lt;$1&gt;')
      // A `>` the converter left raw, outside a link and a block quote's marker.
      .replace(/(<[^<>]*>)|(^[ \t]*(?:>[ \t]?)+)|>/gm, (raw, link?: string, quote?: string) => link ?? quote ?? '&gt;')
      // What CommonMark did not take for markup: `##Heading` without a space, a `**` left open, a `***` rule.
      .replace(/^#{2,6}(\S.*?)[ \t]*$/gm, '*$1*')
      .replace(/^[ \t]*\*\*\*+[ \t]*$/gm, '───')
      .replace(/\*\*/g, '')
  );
}

/**
 * The agent's Markdown (headings, bold, italics, lists, links, code, tables) as Slack mrkdwn. Mentions and
 * special commands in it are shown, never acted on; links stay links.
 */
export function markdownToMrkdwn(markdown: string): string {
  if (!markdown.trim()) return '';
  const rendered = slackifyMarkdown(entityEscaped(markdown));
  const keep = (code: string) => code;
  return mapParts(rendered, FENCED_CODE, keep, (blocks) => mapParts(blocks, TABLE, fencedTable, (prose) => mapParts(prose, INLINE_CODE, keep, tidyProse)))
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Where a cut text can be read in full: the findings' own page when there is one, and the ServiceNow work note. */
export function fullTextPointer(url?: string): string {
  return url ? `The full text is in <${url}|the agent's summary> and in the ServiceNow work note.` : 'The full text is in the ServiceNow work note.';
}

/** Open ``` fences in a piece of mrkdwn (an odd count means the piece ends inside a code block). */
const opensCode = (text: string): boolean => (text.match(/```/g)?.length ?? 0) % 2 === 1;

/** Where to cut `text` so the kept part is at most `max` characters and does not end inside a link or a code span. */
function cutPoint(text: string, max: number): number {
  const window = text.slice(0, max);
  const lineBreak = window.lastIndexOf('\n');
  const space = window.lastIndexOf(' ');
  let at = lineBreak >= max / 2 ? lineBreak : space >= max / 2 ? space : max;
  // Never between the two halves of a character outside the BMP (an emoji).
  if (/[\ud800-\udbff]/.test(text.charAt(at - 1))) at -= 1;
  const kept = text.slice(0, at);
  const openLink = kept.lastIndexOf('<');
  if (openLink > kept.lastIndexOf('>')) at = openLink;
  const lastLine = text.slice(text.lastIndexOf('\n', at - 1) + 1, at);
  if ((lastLine.replace(/```/g, '').match(/`/g)?.length ?? 0) % 2 === 1) at -= lastLine.length - lastLine.lastIndexOf('`');
  return Math.max(at, 0);
}

/**
 * `text` if it fits in `limit` characters; otherwise its start, cut at a line or word boundary (never inside a link
 * or a code span, an open code block closed), then `…` and `tail` (e.g. where to read the rest). `alreadyCut` says
 * the text is the start of something longer, so it ends with `tail` even when it fits.
 */
export function cutMrkdwn(text: string, limit: number, tail = '', options: { alreadyCut?: boolean } = {}): string {
  const suffix = tail ? `…\n_${tail}_` : '…';
  if (text.length <= limit && !options.alreadyCut) return text;
  if (options.alreadyCut && text.length + suffix.length + 1 <= limit) return `${text}${text.endsWith('```') ? '\n' : ''}${suffix}`;
  // Room for the suffix and for closing a code block.
  let kept = text.slice(0, cutPoint(text, Math.max(limit - suffix.length - 5, 0))).trimEnd();
  if (opensCode(kept)) kept += '\n```';
  return `${kept}${kept.endsWith('```') ? '\n' : ''}${suffix}`.slice(0, limit);
}

/**
 * mrkdwn split into pieces of at most `maxChars` each (for consecutive section blocks), at paragraph breaks where it
 * can be, and at most `maxPieces` of them: what does not fit is cut from the last piece, which then ends with `tail`.
 * A code block split between two pieces is closed in the first and reopened in the next.
 */
export function splitMrkdwn(text: string, options: { maxChars: number; maxPieces: number; tail?: string; alreadyCut?: boolean }): string[] {
  const { maxChars, maxPieces, tail, alreadyCut } = options;
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest && pieces.length < maxPieces - 1 && rest.length > maxChars) {
    const window = rest.slice(0, maxChars - 4);
    const paragraph = window.lastIndexOf('\n\n');
    const at = paragraph >= maxChars / 3 ? paragraph : cutPoint(rest, maxChars - 4);
    let piece = rest.slice(0, at).trimEnd();
    rest = rest.slice(at).trimStart();
    if (opensCode(piece)) {
      piece += '\n```';
      rest = `\`\`\`\n${rest}`;
    }
    pieces.push(piece);
  }
  if (rest) pieces.push(cutMrkdwn(rest, maxChars, tail, { alreadyCut }));
  return pieces;
}

/**
 * Slack shows at most this much Markdown per character it can show: the converter takes some 20 µs a character, so
 * what would be cut anyway is cut before rendering (rendering changes the length little).
 */
const SOURCE_PER_SHOWN_CHARACTER = 1.5;

/** The end of the last paragraph (else line) that ends before `limit`. */
function paragraphEnd(markdown: string, limit: number): number {
  const window = markdown.slice(0, limit);
  const paragraph = window.lastIndexOf('\n\n');
  if (paragraph >= limit / 2) return paragraph;
  const line = window.lastIndexOf('\n');
  return line >= limit / 2 ? line : limit;
}

/**
 * Markdown from outside (the agent's findings) rendered as mrkdwn in at most `maxPieces` pieces (default one) of at most
 * `maxChars` each; when it is longer than that, the last piece ends with `tail`, saying where the full text is.
 */
export function renderMarkdown(markdown: string, options: { maxChars: number; maxPieces?: number; tail?: string }): string[] {
  const maxPieces = options.maxPieces ?? 1;
  const sourceLimit = Math.ceil(options.maxChars * maxPieces * SOURCE_PER_SHOWN_CHARACTER);
  const alreadyCut = markdown.length > sourceLimit;
  const source = alreadyCut ? markdown.slice(0, paragraphEnd(markdown, sourceLimit)) : markdown;
  return splitMrkdwn(markdownToMrkdwn(source), { maxChars: options.maxChars, maxPieces, tail: options.tail, alreadyCut });
}
