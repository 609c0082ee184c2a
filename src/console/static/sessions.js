/* global location, URLSearchParams */
// Sessions view: filters, counts by state, a keyset-paged table, and live state changes over WebSocket.
import { api, debounce, el, fmtTime, liveSocket, loadMeta, option, stateBadge } from './lib.js';

const filterKeys = ['state', 'provider', 'companyId', 'endCode', 'from', 'to', 'q'];
const pageSize = 50;

function listPath(filters, cursor) {
  const params = new URLSearchParams({ limit: String(pageSize) });
  for (const key of filterKeys) {
    const value = filters[key];
    if (!value) continue;
    // datetime-local has no zone: it is the operator's local time, sent to the API as UTC.
    params.set(key, key === 'from' || key === 'to' ? new Date(value).toISOString() : value);
  }
  if (cursor) params.set('cursor', cursor);
  return `/v1/sessions?${params}`;
}

function filtersForm(filters, meta, companies) {
  const apply = (event) => {
    event.preventDefault();
    const data = new URLSearchParams();
    for (const [key, value] of new globalThis.FormData(event.target)) if (value) data.set(key, String(value));
    location.hash = `#/sessions?${data}`;
  };
  const select = (name, label, values, labels = {}) =>
    el('label', {}, label, el('select', { name, id: `filter-${name}` }, option('', 'any'), values.map((v) => option(v, labels[v] ?? v, filters[name]))));
  return el(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter sessions', onsubmit: apply },
    el('label', {}, 'Search title or URL', el('input', { name: 'q', id: 'filter-q', type: 'search', value: filters.q ?? '' })),
    select('state', 'State', meta.states),
    select('provider', 'Provider', meta.providers),
    select('companyId', 'Company', companies.map((c) => c.id), Object.fromEntries(companies.map((c) => [c.id, c.name]))),
    select('endCode', 'End code', Object.keys(meta.endCodes)),
    el('label', {}, 'Created from', el('input', { name: 'from', id: 'filter-from', type: 'datetime-local', value: filters.from ?? '' })),
    el('label', {}, 'Created before', el('input', { name: 'to', id: 'filter-to', type: 'datetime-local', value: filters.to ?? '' })),
    el('button', { type: 'submit' }, 'Apply'),
    el('a', { href: '#/sessions' }, 'Clear'),
  );
}

function countsList(counts, filters) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const chip = (state, label, n) =>
    el(
      'li',
      {},
      el('button', {
        type: 'button',
        'aria-pressed': String((filters.state ?? '') === state),
        dataset: { countState: state || 'all' },
        onclick: () => {
          const params = new URLSearchParams(Object.entries(filters).filter(([k, v]) => v && k !== 'state'));
          if (state) params.set('state', state);
          location.hash = `#/sessions?${params}`;
        },
      }, `${label}: ${n}`),
    );
  return el('ul', { class: 'counts', 'aria-label': 'Sessions by state', id: 'counts' }, chip('', 'all', total), entries.map(([state, n]) => chip(state, state.replaceAll('_', ' '), n)));
}

function row(session) {
  const title = session.title || session.meetingUrl;
  return el(
    'tr',
    { dataset: { sessionId: session.id } },
    el('td', {}, el('a', { href: `#/sessions/${encodeURIComponent(session.id)}` }, title), session.title ? el('div', { class: 'muted' }, session.meetingUrl) : null),
    el('td', {}, session.companyId),
    el('td', {}, session.provider),
    el('td', { class: 'cell-state' }, stateBadge(session.state)),
    el('td', { class: 'cell-end' }, session.endCode ?? ''),
    el('td', { class: 'cell-attempt' }, String(session.attempt)),
    el('td', {}, fmtTime(session.startsAt)),
    el('td', {}, fmtTime(session.createdAt)),
  );
}

function updateRow(tr, session) {
  tr.querySelector('.cell-state').replaceChildren(stateBadge(session.state));
  tr.querySelector('.cell-end').textContent = session.endCode ?? '';
  tr.querySelector('.cell-attempt').textContent = String(session.attempt);
  tr.classList.remove('flash');
  void tr.offsetWidth;
  tr.classList.add('flash');
}

export async function sessionsView(root, params) {
  const filters = Object.fromEntries(filterKeys.map((k) => [k, params.get(k) ?? '']));
  const [meta, { companies }] = await Promise.all([loadMeta(), api('/console/api/companies')]);
  const cursors = [];
  let cursor = params.get('cursor') ?? '';
  const tbody = el('tbody', { id: 'sessions-body' });
  const countsHolder = el('div');
  const pager = el('div', { class: 'pager' });
  const announce = el('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });

  const load = async () => {
    const page = await api(listPath(filters, cursor));
    tbody.replaceChildren(...page.sessions.map(row));
    if (page.sessions.length === 0) tbody.append(el('tr', {}, el('td', { colspan: 8, class: 'muted' }, 'No sessions match these filters.')));
    countsHolder.replaceChildren(countsList(page.counts, filters));
    pager.replaceChildren(
      el('button', { type: 'button', class: 'secondary', disabled: cursors.length === 0, onclick: () => { cursor = cursors.pop() ?? ''; void load(); } }, 'Newer'),
      el('span', { class: 'muted' }, `page ${cursors.length + 1}`),
      el('button', { type: 'button', class: 'secondary', id: 'older', disabled: !page.nextCursor, onclick: () => { cursors.push(cursor); cursor = page.nextCursor; void load(); } }, 'Older'),
    );
    announce.textContent = `${page.sessions.length} sessions shown`;
  };
  const refresh = debounce(() => void load(), 400);
  const refreshCounts = debounce(() => {
    void api(listPath({ companyId: filters.companyId }).replace(`limit=${pageSize}`, 'limit=1')).then((page) => countsHolder.replaceChildren(countsList(page.counts, filters)));
  }, 400);

  const live = liveSocket(`/v1/sessions/live${filters.companyId ? `?companyId=${encodeURIComponent(filters.companyId)}` : ''}`, ({ session }) => {
    const tr = tbody.querySelector(`tr[data-session-id="${globalThis.CSS.escape(session.id)}"]`);
    if (tr) {
      updateRow(tr, session);
      refreshCounts();
    } else if (cursors.length === 0) {
      // A session not on the page: the server decides whether it matches the filters (one rule, one place).
      refresh();
    } else {
      refreshCounts();
    }
  });

  root.append(
    el('h1', {}, 'Sessions'),
    filtersForm(filters, meta, companies),
    countsHolder,
    announce,
    el(
      'table',
      { 'aria-describedby': 'counts' },
      el('caption', { class: 'visually-hidden' }, 'Sessions, newest first'),
      el('thead', {}, el('tr', {}, ['Meeting', 'Company', 'Provider', 'State', 'End code', 'Attempt', 'Starts', 'Created'].map((h) => el('th', { scope: 'col' }, h)))),
      tbody,
    ),
    pager,
  );
  await load();
  return { dispose: () => live.close() };
}
