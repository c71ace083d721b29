// Block Kit and mrkdwn to HTML. Everything in a message can come from a ServiceNow ticket or a person, so every
// piece of text is escaped before any markup is added, and only http(s)/mailto URLs become links.

const EMOJI = {
  rotating_light: '🚨', white_check_mark: '✅', mag: '🔍', raised_hand: '✋', hourglass_flowing_sand: '⏳',
  no_entry: '⛔', alarm_clock: '⏰', x: '❌', bell: '🔔', warning: '⚠️', arrow_double_up: '⏫',
  leftwards_arrow_with_hook: '↩️', robot_face: '🤖', memo: '📝', link: '🔗', eyes: '👀', tada: '🎉',
  pager: '📟', stopwatch: '⏱️',
};

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** Slack escapes &, < and > in message text; undo that before escaping for HTML, or they would show twice-escaped. */
const slackUnescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function formatted(raw) {
  return esc(slackUnescape(raw))
    .replace(/```([\s\S]+?)```/g, '<pre>$1</pre>')
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/(^|[^\w*])\*(?!\s)([^*\n]+?)\*(?!\w)/g, '$1<strong>$2</strong>')
    .replace(/(^|[^\w])_(?!\s)([^_\n]+?)_(?!\w)/g, '$1<em>$2</em>')
    .replace(/(^|[^\w~])~(?!\s)([^~\n]+?)~(?!\w)/g, '$1<del>$2</del>')
    .replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] ?? m)
    .replace(/\n/g, '<br>');
}

const mention = (label) => `<span class="mention">${esc(label)}</span>`;

/** One `<…>` token: a user, channel, group or special mention, or a link; anything else stays literal text. */
function token(inner, names) {
  const [target, label] = inner.split('|', 2);
  if (target.startsWith('@')) return mention(`@${names.get(target.slice(1)) ?? label ?? target.slice(1)}`);
  if (target.startsWith('#')) return mention(`#${label ?? target.slice(1)}`);
  if (target.startsWith('!subteam^')) return mention(label ?? `@${target.slice('!subteam^'.length)}`);
  if (['!here', '!channel', '!everyone'].includes(target)) return mention(`@${target.slice(1)}`);
  if (/^(https?:\/\/|mailto:)/i.test(target)) {
    return `<a href="${esc(target)}" target="_blank" rel="noopener noreferrer">${esc(label ?? target)}</a>`;
  }
  return esc(`<${inner}>`);
}

/** Minimal mrkdwn: *bold*, _italic_, ~strike~, `code`, ```blocks```, :emoji:, mentions and links. */
export function mrkdwn(text, names) {
  const source = String(text ?? '');
  let html = '';
  let last = 0;
  for (const m of source.matchAll(/<([^<>\n]+)>/g)) {
    html += formatted(source.slice(last, m.index)) + token(m[1], names);
    last = m.index + m[0].length;
  }
  return html + formatted(source.slice(last));
}

const textObject = (t, names) => {
  if (!t || typeof t.text !== 'string') return '';
  return t.type === 'plain_text' ? esc(t.text).replace(/\n/g, '<br>') : mrkdwn(t.text, names);
};

function button(b, ts) {
  const style = b.style === 'primary' || b.style === 'danger' ? ` ${b.style}` : '';
  return `<button type="button" class="btn${style}" data-ts="${esc(ts)}" data-action-id="${esc(b.action_id)}">${esc(b.text?.text ?? b.action_id)}</button>`;
}

function block(b, ts, names) {
  switch (b?.type) {
    case 'section': {
      const fields = Array.isArray(b.fields) ? `<div class="b-fields">${b.fields.map((f) => `<div>${textObject(f, names)}</div>`).join('')}</div>` : '';
      const accessory = b.accessory?.type === 'button' ? `<div class="b-actions">${button(b.accessory, ts)}</div>` : '';
      return `<div class="b-section">${textObject(b.text, names)}${fields}${accessory}</div>`;
    }
    case 'context':
      return `<div class="b-context">${(b.elements ?? []).map((e) => (e.type === 'image' ? esc(e.alt_text) : textObject(e, names))).join(' ')}</div>`;
    case 'actions':
      return `<div class="b-actions">${(b.elements ?? []).filter((e) => e.type === 'button').map((e) => button(e, ts)).join('')}</div>`;
    case 'header':
      return `<div class="b-header">${textObject(b.text, names)}</div>`;
    case 'divider':
      return '<hr>';
    default:
      return '';
  }
}

/** A message's body as Slack shows it: its blocks, or its text when it has none. */
export function messageBody(m, names) {
  const blocks = Array.isArray(m.blocks) ? m.blocks : [];
  return blocks.length ? blocks.map((b) => block(b, m.ts, names)).join('') : `<div class="b-section">${mrkdwn(m.text, names)}</div>`;
}

export function message(m, names) {
  return `<article class="msg" data-ts="${esc(m.ts)}"><div class="avatar" aria-hidden="true">OL</div><div class="msg-main">`
    + `<div class="meta"><b>OpsLoop</b> <span>APP</span>${m.edited ? ' · (edited)' : ''}</div>${messageBody(m, names)}</div></article>`;
}

export function thread(t, names) {
  const replies = t.replies.length
    ? `<div class="thread" aria-label="thread"><div class="meta">${t.replies.length} ${t.replies.length === 1 ? 'reply' : 'replies'}</div>${t.replies.map((r) => message(r, names)).join('')}</div>`
    : '';
  return `<div class="thread-root">${message(t, names)}${replies}</div>`;
}
