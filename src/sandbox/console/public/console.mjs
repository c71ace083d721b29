/* global document, window, fetch, localStorage, FormData, setTimeout */
import { esc, messageBody, mrkdwn, thread } from './render.mjs';

const POLL_MS = 1000;
const $ = (id) => document.getElementById(id);
let names = new Map();
let lastState = '';

function notice(text, isError = false) {
  const el = $('notice');
  el.textContent = text;
  el.className = isError ? 'error' : '';
  el.hidden = !text;
}

async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error ?? `HTTP ${res.status}`);
  return json;
}

const currentUser = () => $('user').value;

function renderUsers(users) {
  const picker = $('user');
  if (picker.options.length) return;
  picker.innerHTML = users.map((u) => `<option value="${esc(u.id)}">@${esc(u.name)}${u.role ? ` (${esc(u.role)})` : ''}</option>`).join('');
  const saved = localStorage.getItem('opsloop.sandbox.user');
  if (users.some((u) => u.id === saved)) picker.value = saved;
}

function renderIncidents(incidents) {
  $('incidents').innerHTML = incidents
    .map(
      (i) => `<tr data-incident="${esc(i.number)}"><td>${esc(i.number)}</td><td>P${esc(i.priority)}</td>`
        + `<td class="state state-${esc(i.state)}">${esc(i.stateLabel)}</td><td>${esc(i.shortDescription)}</td>`
        + `<td><a href="${esc(i.runUrl)}" target="_blank" rel="noopener noreferrer">Run in Temporal</a></td></tr>`,
    )
    .join('');
}

function channelHeader(c) {
  const title = c.name ? `# ${esc(c.name)} <small>${esc(c.id)}</small>` : `# ${esc(c.id)}`;
  return `<div class="channel-name" data-channel="${esc(c.id)}">${title}</div>`;
}

function renderChannels(channels) {
  const el = $('channel');
  const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  const scrollTop = el.scrollTop;
  const anyThread = channels.some((c) => c.threads.length);
  el.innerHTML = channels.map((c) => channelHeader(c) + c.threads.map((t) => thread(t, names)).join('')).join('')
    + (anyThread ? '' : '<p class="empty">No messages yet. Open an incident: its thread appears here.</p>');
  el.scrollTop = atBottom ? el.scrollHeight : scrollTop;
}

const time = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function renderPages(pages) {
  $('pagerduty').hidden = !pages;
  if (!pages) return;
  $('no-pages').hidden = pages.length > 0;
  $('pages').innerHTML = pages
    .map((p) => {
      const route = [p.route ?? '?', p.level ? `level ${p.level}` : ''].filter(Boolean).join(' · ');
      const key = p.routingKeyName ? `<div class="meta">key \${${esc(p.routingKeyName)}}</div>` : '';
      const when = `${time(p.openedAt)}${p.changedAt !== p.openedAt ? `<div class="meta">${esc(p.status)} ${time(p.changedAt)}</div>` : ''}`;
      return `<tr data-dedup-key="${esc(p.dedupKey)}"><td>${esc(p.incident ?? '')}<div class="meta">${esc(p.dedupKey)}</div></td><td>${esc(route)}${key}</td>`
        + `<td class="page-status page-${esc(p.status)}">${esc(p.status)}<div class="meta">${esc(p.severity)}</div></td><td>${esc(p.summary)}</td><td>${when}</td></tr>`;
    })
    .join('');
}

function renderLog(log) {
  const who = (id) => `@${names.get(id) ?? id}`;
  $('log').innerHTML = log
    .map((e) => {
      const failed = e.status < 200 || e.status >= 300;
      const head = `<b>${esc(who(e.userId))}</b> ${e.kind === 'click' ? 'clicked' : 'sent'} <code>${esc(e.label)}</code>`
        + ` <span class="${failed ? 'status-bad' : 'meta'}">${e.status ? `HTTP ${e.status}` : 'OpsLoop unreachable'}</span>`;
      const answer = e.answer ? `<div class="reply">${mrkdwn(e.answer, names)}</div>` : '';
      const replies = e.replies
        .map((r) => `<div class="reply"><span class="meta">${r.responseType === 'in_channel' ? 'in channel' : 'only you'}:</span> ${messageBody(r, names)}</div>`)
        .join('');
      return `<li data-log-id="${esc(e.id)}">${head}${answer}${replies}</li>`;
    })
    .join('');
}

function render(state) {
  names = new Map(state.users.map((u) => [u.id, u.name]));
  renderUsers(state.users);
  $('workflows').href = state.workflowsUrl;
  renderIncidents(state.incidents);
  renderChannels(state.channels);
  renderPages(state.pages);
  renderLog(state.log);
}

async function refresh() {
  try {
    const res = await fetch('api/state', { cache: 'no-store' });
    const text = await res.text();
    if (text !== lastState) {
      lastState = text;
      render(JSON.parse(text));
    }
    $('live').textContent = 'live';
    $('live').className = 'live';
  } catch {
    $('live').textContent = 'console offline: is npm start still running?';
    $('live').className = 'live offline';
  }
}

async function poll() {
  await refresh();
  setTimeout(() => void poll(), POLL_MS);
}

$('user').addEventListener('change', () => localStorage.setItem('opsloop.sandbox.user', currentUser()));

$('new-incident').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  try {
    const { number } = await post('api/incidents', Object.fromEntries(new FormData(form)));
    notice(`Opened ${number} in the sandbox ServiceNow; its Business Rule sent the signed webhook to OpsLoop.`);
    form.reset();
  } catch (err) {
    notice(`Could not open the incident: ${err.message}`, true);
  }
  await refresh();
});

$('command').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  try {
    await post('api/command', { userId: currentUser(), line: new FormData(form).get('line') });
    form.reset();
  } catch (err) {
    notice(`Could not send the command: ${err.message}`, true);
  }
  await refresh();
});

$('channel').addEventListener('click', async (event) => {
  const target = event.target instanceof window.Element ? event.target.closest('button[data-action-id]') : null;
  if (!target) return;
  target.disabled = true;
  try {
    await post('api/click', { userId: currentUser(), messageTs: target.dataset.ts, actionId: target.dataset.actionId });
  } catch (err) {
    notice(`The click was not sent: ${err.message}`, true);
    target.disabled = false;
  }
  await refresh();
});

void poll();
