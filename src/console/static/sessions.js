/* global location, sessionStorage, URLSearchParams */
// Sessions view: filters, counts by state, a keyset-paged table, and live state changes over WebSocket.
import { api, coalesce, el, fmtTime, liveSocket, loadMeta, option, stateBadge, timeZone } from './lib.js';

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
  // A company token sees one company: a company filter would offer nothing (and "any" would promise more).
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
    meta.admin ? select('companyId', 'Company', companies.map((c) => c.id), Object.fromEntries(companies.map((c) => [c.id, c.name]))) : null,
    select('endCode', 'End code', Object.keys(meta.endCodes)),
    el('label', {}, `Created from (${timeZone})`, el('input', { name: 'from', id: 'filter-from', type: 'datetime-local', value: filters.from ?? '' })),
    el('label', {}, `Created before (${timeZone})`, el('input', { name: 'to', id: 'filter-to', type: 'datetime-local', value: filters.to ?? '' })),
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
    el('td', { class: 'wrap' }, el('a', { href: `#/sessions/${encodeURIComponent(session.id)}` }, title), session.title ? el('div', { class: 'muted' }, session.meetingUrl) : null),
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

const pagesKey = 'quorum.pages';

/**
 * Keyset pages only go forward, so the cursor of the page before each page is kept in this tab: "Newer",
 * a reload or back/forward keep the place, because the page itself (cursor and number) is in the URL.
 */
function pageHash(filters, cursor, page) {
  const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
  if (cursor) params.set('cursor', cursor);
  if (cursor && page > 1) params.set('page', String(page));
  return `#/sessions?${params}`;
}

function rememberPage(cursor, previous) {
  const pages = JSON.parse(sessionStorage.getItem(pagesKey) ?? '{}');
  pages[cursor] = previous;
  sessionStorage.setItem(pagesKey, JSON.stringify(pages));
}

function previousPage(cursor) {
  return JSON.parse(sessionStorage.getItem(pagesKey) ?? '{}')[cursor] ?? '';
}

function pagerBar(filters, cursor, page, nextCursor) {
  const go = (hash) => () => (location.hash = hash);
  return [
    el('button', { type: 'button', class: 'secondary', id: 'newer', disabled: !cursor, onclick: go(pageHash(filters, previousPage(cursor), Math.max(1, page - 1))) }, 'Newer'),
    el('span', { class: 'muted', id: 'page-number' }, `page ${page}`),
    el(
      'button',
      {
        type: 'button',
        class: 'secondary',
        id: 'older',
        disabled: !nextCursor,
        onclick: () => {
          rememberPage(nextCursor, cursor);
          location.hash = pageHash(filters, nextCursor, page + 1);
        },
      },
      'Older',
    ),
  ];
}

/** A cursor as the server writes it (`<created_at>|<id>`, the time as toISOString gives it), so never one it refuses. */
function isCursor(cursor) {
  const at = cursor.lastIndexOf('|');
  if (at <= 0 || at === cursor.length - 1) return false;
  const time = cursor.slice(0, at);
  const parsed = new Date(time);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString() === time;
}

/**
 * The filters and page of a link (a bookmark, a hand-edited URL), without what the API would refuse: an end code
 * this server does not know, or a cursor it did not write. What was dropped is said on the page.
 */
function fromLink(params, meta) {
  const filters = Object.fromEntries(filterKeys.map((k) => [k, params.get(k) ?? '']));
  const dropped = [];
  if (filters.endCode && !Object.hasOwn(meta.endCodes, filters.endCode)) {
    dropped.push(`the end code “${filters.endCode}”, which Quorum does not know`);
    filters.endCode = '';
  }
  let cursor = params.get('cursor') ?? '';
  if (cursor && !isCursor(cursor)) {
    dropped.push('a page position this list did not give out (this is the newest page)');
    cursor = '';
  }
  return { filters, cursor, dropped };
}

export async function sessionsView(root, params) {
  const [meta, { companies }] = await Promise.all([loadMeta(), api('/console/api/companies')]);
  const { filters, cursor, dropped } = fromLink(params, meta);
  // Without a cursor it is the first page whatever the URL says; with one, the number is only a label.
  const page = cursor ? Math.max(2, Number(params.get('page')) || 2) : 1;
  // The Session view's "All sessions" link comes back here: same filters, same page.
  sessionStorage.setItem('quorum.list', location.hash || '#/sessions');
  const tbody = el('tbody', { id: 'sessions-body' });
  const countsHolder = el('div');
  const pager = el('div', { class: 'pager' });
  const announce = el('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const problem = el('p', { class: 'error', role: 'alert', id: 'sessions-error', hidden: true });
  const ignored = dropped.length ? [el('p', { class: 'muted', role: 'status', id: 'sessions-link-ignored' }, `Left out of this link: ${dropped.join('; ')}.`)] : [];
  const filtered = filterKeys.some((k) => filters[k]);

  const load = async () => {
    const result = await api(listPath(filters, cursor));
    problem.hidden = true;
    tbody.replaceChildren(...result.sessions.map(row));
    if (result.sessions.length === 0) tbody.append(el('tr', {}, el('td', { colspan: 8, class: 'muted' }, filtered ? 'No sessions match these filters.' : cursor ? 'No older sessions.' : 'No sessions yet: they appear here when a meeting is planned or a recording is asked for.')));
    countsHolder.replaceChildren(countsList(result.counts, filters));
    pager.replaceChildren(...pagerBar(filters, cursor, page, result.nextCursor));
    announce.textContent = `${result.sessions.length} sessions shown`;
  };
  // A refresh that fails leaves the rows as they were, and says so instead of failing silently.
  const reload = () =>
    load().catch((error) => {
      problem.textContent = `Could not refresh the list: ${error.message}. It may be out of date.`;
      problem.hidden = false;
    });
  const refresh = coalesce(() => reload(), 400);
  const refreshCounts = coalesce(() => {
    return api(listPath({ companyId: filters.companyId }).replace(`limit=${pageSize}`, 'limit=1'))
      .then((result) => countsHolder.replaceChildren(countsList(result.counts, filters)))
      .catch(() => undefined);
  }, 400);

  const live = liveSocket(
    `/v1/sessions/live${filters.companyId ? `?companyId=${encodeURIComponent(filters.companyId)}` : ''}`,
    ({ session }) => {
      const tr = tbody.querySelector(`tr[data-session-id="${globalThis.CSS.escape(session.id)}"]`);
      if (tr) {
        updateRow(tr, session);
        refreshCounts();
      } else if (!cursor) {
        // A session not on the page: the server decides whether it matches the filters (one rule, one place).
        refresh();
      } else {
        refreshCounts();
      }
    },
    { onReconnect: () => void reload() },
  );

  root.append(
    el('h1', {}, 'Sessions'),
    filtersForm(filters, meta, companies),
    ...ignored,
    countsHolder,
    announce,
    problem,
    el(
      'table',
      { 'aria-describedby': 'counts' },
      el('caption', { class: 'visually-hidden' }, 'Sessions, newest first'),
      el('thead', {}, el('tr', {}, ['Meeting', 'Company', 'Provider', 'State', 'End code', 'Attempt', 'Starts', 'Created'].map((h) => el('th', { scope: 'col' }, h)))),
      tbody,
    ),
    pager,
  );
  try {
    await load();
  } catch (error) {
    // The view never reaches the screen: its feed must not go on reconnecting behind the next one.
    live.close();
    throw error;
  }
  return { dispose: () => live.close() };
}
