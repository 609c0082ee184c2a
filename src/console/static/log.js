/* global Blob, URL, document */
// The live log of a session: the stored tail, then every new line over WebSocket; level filter, follow, download.
// It shows the newest lines only (the last 200 stored when it opens, at most 2000 on the page) and says so,
// with how many earlier lines it leaves out: "Download" has all of them.
import { api, el, fmtClock, liveSocket, timeZone } from './lib.js';

const levels = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const levelName = (n) => Object.keys(levels).find((k) => levels[k] === n) ?? String(n);

// Shown in the line itself or bound to every line of the session: not repeated in the extra fields.
const boundKeys = new Set(['level', 'time', 'msg', 'sessionId', 'companyId', 'provider', 'attempt', 'pid', 'hostname']);

function lineText(line) {
  const rest = Object.fromEntries(Object.entries(line.data ?? {}).filter(([key]) => !boundKeys.has(key)));
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${fmtClock(line.at)} #${line.attempt} ${levelName(line.level).toUpperCase().padEnd(5)} ${line.msg}${extra}`;
}

/** Every stored line of the session as NDJSON, fetched page by page (the API caps one answer). */
async function download(sessionId, level) {
  const chunks = [];
  let after = 0;
  for (;;) {
    const { lines, more } = await api(`/v1/sessions/${encodeURIComponent(sessionId)}/logs?limit=10000&after=${after}&level=${level}`);
    for (const line of lines) chunks.push(`${JSON.stringify(line.data)}\n`);
    if (!(more ?? lines.length === 10000) || lines.length === 0) break;
    after = lines[lines.length - 1].id;
  }
  const url = URL.createObjectURL(new Blob(chunks, { type: 'application/x-ndjson' }));
  const link = el('a', { href: url, download: `session-${sessionId}.ndjson` });
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

export function logPanel(sessionId) {
  let level = 'debug';
  let socket;
  let lastId = 0;
  // Stored lines before the first one this view received (null: not counted yet), and lines it dropped since.
  let earlier = null;
  let dropped = 0;
  let generation = 0;
  const list = el('ol', { class: 'log', id: 'log-lines', 'aria-label': 'Session log', tabindex: '0' });
  const empty = el('p', { class: 'hint', id: 'log-empty' }, 'No log lines at this level yet; new ones appear here as the bot writes them.');
  const downloadStatus = el('span', { class: 'hint', role: 'status', id: 'log-download-status' });
  const save = async () => {
    downloadStatus.textContent = 'Preparing the download…';
    try {
      await download(sessionId, level);
      downloadStatus.textContent = '';
    } catch (error) {
      downloadStatus.textContent = `Download failed: ${error.message}`;
    }
  };
  const follow = el('input', { type: 'checkbox', id: 'log-follow', checked: true });
  const note = el('p', { class: 'hint', id: 'log-note', role: 'status', hidden: true });
  const showNote = () => {
    const hidden = (earlier ?? 0) + dropped;
    note.hidden = hidden === 0;
    note.textContent = hidden === 0 ? '' : `Showing the last ${list.childElementCount} of ${list.childElementCount + hidden} lines; the ${hidden} earlier ones are not shown. "Download" has every line.`;
  };
  const countEarlier = (firstId, current) => {
    api(`/v1/sessions/${encodeURIComponent(sessionId)}/logs/count?level=${level}&before=${firstId}`)
      .then(({ count }) => {
        if (current !== generation) return;
        earlier = count;
        showNote();
      })
      .catch(() => undefined);
  };
  const append = (line) => {
    // A reconnect resumes with ?after=, and ids only grow: anything older was already shown.
    if (line.id <= lastId) return;
    if (lastId === 0) countEarlier(line.id, generation);
    lastId = line.id;
    empty.hidden = true;
    list.append(el('li', { class: `l${line.level}`, dataset: { level: levelName(line.level) } }, lineText(line)));
    // Bounded so a chatty bot cannot grow the page without end; the note says so and "Download" has everything.
    while (list.childElementCount > 2000) {
      list.firstElementChild.remove();
      dropped += 1;
    }
    showNote();
    if (follow.checked) list.scrollTop = list.scrollHeight;
  };
  const connect = () => {
    socket?.close();
    list.replaceChildren();
    lastId = 0;
    earlier = null;
    dropped = 0;
    generation += 1;
    empty.hidden = false;
    showNote();
    const path = () => `/v1/sessions/${encodeURIComponent(sessionId)}/logs/live?level=${level}${lastId > 0 ? `&after=${lastId}` : ''}`;
    socket = liveSocket(path, append, { label: 'Live log' });
  };
  const levelSelect = el(
    'select',
    { id: 'log-level', onchange: (event) => { level = event.target.value; connect(); } },
    Object.keys(levels).map((name) => el('option', { value: name, selected: name === level }, `${name} and above`)),
  );
  const section = el(
    'section',
    { 'aria-labelledby': 'log-title' },
    el('h2', { id: 'log-title' }, 'Log'),
    el(
      'div',
      { class: 'log-controls' },
      el('label', {}, 'Level ', levelSelect),
      el('label', {}, follow, ' Follow'),
      el('button', { type: 'button', class: 'secondary', id: 'log-download', onclick: () => void save() }, 'Download'),
      downloadStatus,
      el('span', { class: 'hint' }, `times in ${timeZone}`),
    ),
    note,
    empty,
    list,
  );
  connect();
  return { section, dispose: () => socket?.close() };
}
