/* global location, URLSearchParams */
// Invites view (admin token): the invite e-mails Quorum received, how each ended and why, its raw mail, and
// running one through intake again after a fix (POST /v1/inbound/messages/:id/reprocess).
import { api, apiResult, coalesce, el, fmtTime, liveSocket, option, withToken } from './lib.js';

const statuses = ['received', 'processed', 'rejected', 'failed'];

function filtersForm(status) {
  const apply = (event) => {
    event.preventDefault();
    const value = event.target.status.value;
    location.hash = `#/inbound${value ? `?${new URLSearchParams({ status: value })}` : ''}`;
  };
  return el(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter invite e-mails', onsubmit: apply },
    el('label', {}, 'Status', el('select', { name: 'status', id: 'inbound-status' }, option('', 'any'), statuses.map((s) => option(s, s, status)))),
    el('button', { type: 'submit' }, 'Apply'),
  );
}

/** Each event's result, then each occurrence: planned (with its session) or the reasons it was not. */
function outcomeList(events) {
  if (!events || events.length === 0) return el('p', { class: 'muted' }, 'No calendar events were applied.');
  return el(
    'ul',
    { class: 'outcome' },
    events.map((event) =>
      el(
        'li',
        { dataset: { result: event.result } },
        `${event.title ?? event.uid}: ${event.result.replaceAll('_', ' ')}`,
        el(
          'ul',
          {},
          event.occurrences.map((o) =>
            el(
              'li',
              { dataset: { change: o.change } },
              `${fmtTime(o.startsAt)} · ${o.change}`,
              o.sessionId ? [' · ', el('a', { href: `#/sessions/${encodeURIComponent(o.sessionId)}` }, 'session')] : '',
              (o.decision?.reasons ?? []).flatMap((r) => [' · ', el('code', {}, r.code), ` ${r.message}`]),
            ),
          ),
        ),
      ),
    ),
  );
}

/** What running a message again gave, in words: the result comes back with 422 (rejected) or 500 (failed) too. */
function rerunText({ ok, status, data }) {
  if (data.status === 'processed') return 'Ran it again: processed. The outcome below is the new one.';
  if (data.status === 'rejected' || data.status === 'failed') {
    const why = data.rejection ? ` (${data.rejection.code}: ${data.rejection.message})` : ' The reasons are below.';
    return `Ran it again: ${data.status} again.${why}`;
  }
  return ok ? 'Ran it again.' : `Could not run it again: ${data.message ?? `the API answered ${status}`}`;
}

/** The message's facts in `cell`; `said` is the line about the last "Run again", kept across the re-render. */
async function details(id, cell, onChange, said = '') {
  const message = await api(`/v1/inbound/messages/${encodeURIComponent(id)}`);
  onChange(message);
  const status = el('p', { role: 'status', class: 'rerun-status' }, said);
  const rerun = el('button', {
    type: 'button',
    onclick: async () => {
      rerun.disabled = true;
      status.textContent = 'Running it again…';
      let text;
      try {
        text = rerunText(await apiResult(`/v1/inbound/messages/${encodeURIComponent(id)}/reprocess`, { method: 'POST' }));
      } catch (error) {
        text = `Could not run it again: ${error.message}`;
      }
      status.textContent = text;
      await details(id, cell, onChange, text).catch((error) => {
        status.textContent = `${text} The message could not be read again: ${error.message}`;
      });
      rerun.disabled = false;
    },
  }, 'Run again');
  cell.replaceChildren(
    el('dl', {}, el('dt', {}, 'To'), el('dd', {}, message.recipients.join(', ') || '—'), el('dt', {}, 'Envelope'), el('dd', {}, `MAIL FROM ${message.mailFrom ?? '—'}, from ${message.remoteIp ?? 'unknown'}${message.helo ? ` (${message.helo})` : ''}, by ${message.transport}`), el('dt', {}, 'Error'), el('dd', {}, message.error ?? '—')),
    outcomeList(message.outcome?.events),
    el('p', {}, el('a', { href: withToken(`/v1/inbound/messages/${encodeURIComponent(id)}/raw`), download: `${id}.eml` }, 'Raw mail'), ' ', rerun),
    status,
  );
  // The button the operator pressed was replaced: keyboard focus goes to its successor, not to the page's top.
  if (said) rerun.focus();
}

/** The message's two rows; `updates` learns how to refresh its status and reason when it changes. */
function row(message, updates) {
  const cell = el('td', { colspan: '6', class: 'wrap' });
  const more = el('tr', { class: 'inbound-details', hidden: true }, cell);
  const toggle = el('button', {
    type: 'button',
    'aria-expanded': 'false',
    onclick: async () => {
      const open = more.hidden;
      more.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      if (open) await details(message.id, cell, update).catch((error) => cell.replaceChildren(el('p', { class: 'error', role: 'alert' }, error.message)));
    },
    'aria-label': `Details of ${message.subject ?? message.id}`,
  }, 'Details');
  const statusCell = el('td', {}, el('span', { class: `state state-${message.status}` }, message.status));
  const whyCell = el('td', { class: 'wrap' }, message.error ?? '');
  // The row follows what the details read (after "Run again" the status and reason may have changed).
  const update = (fresh) => {
    main.dataset.status = fresh.status;
    statusCell.replaceChildren(el('span', { class: `state state-${fresh.status}` }, fresh.status));
    whyCell.textContent = fresh.error ?? '';
  };
  updates.set(message.id, (fresh) => update(fresh));
  const main = el(
    'tr',
    { dataset: { messageId: message.id, status: message.status, receivedAt: message.receivedAt } },
    el('td', {}, fmtTime(message.receivedAt)),
    statusCell,
    el('td', { class: 'wrap' }, message.subject ?? '—'),
    el('td', { class: 'wrap' }, message.from ?? '—'),
    whyCell,
    el('td', {}, toggle),
  );
  return [main, more];
}

/** Rows the newest page keeps while it follows new mail. */
const maxRows = 200;

export async function inboundView(root, params) {
  const status = params.get('status') ?? '';
  const cursor = params.get('cursor') ?? '';
  const query = new URLSearchParams({ limit: '50', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
  const { messages, nextCursor } = await api(`/v1/inbound/messages?${query}`);
  const olderHref = (after) => `#/inbound?${new URLSearchParams({ ...(status ? { status } : {}), cursor: after })}`;
  const next = el('a', { href: nextCursor ? olderHref(nextCursor) : '#/inbound', id: 'inbound-older', hidden: !nextCursor }, 'Older');
  // Keyset pages only go forward; an older page links back to the newest rather than leaving the operator stuck.
  const newest = cursor ? el('a', { href: `#/inbound${status ? `?${new URLSearchParams({ status })}` : ''}`, id: 'inbound-newest' }, 'Newest') : '';
  const updates = new Map();
  const tbody = el('tbody', { id: 'inbound-body' }, messages.flatMap((message) => row(message, updates)));
  const table = el(
    'table',
    { class: 'inbound', hidden: messages.length === 0 },
    el('thead', {}, el('tr', {}, ['Received', 'Status', 'Subject', 'From', 'Why', ''].map((h) => el('th', { scope: 'col' }, h)))),
    tbody,
  );
  const empty = el('p', { class: 'muted', id: 'inbound-empty', hidden: messages.length > 0 }, status ? `No invite e-mails with status ${status}.` : 'No invite e-mails yet: they appear here when one reaches the assistant address.');
  root.append(
    el('h1', {}, 'Invites'),
    el('p', { class: 'muted' }, 'The invite e-mails Quorum received, newest first: how each ended, why, and its raw mail.'),
    filtersForm(status),
    empty,
    table,
    el('nav', { 'aria-label': 'Pages', class: 'pager' }, newest, next),
  );
  if (cursor) return undefined;
  // The page keeps the newest rows only: during a burst of mail it would otherwise grow without end. "Older"
  // then goes on from the last row kept.
  const trim = () => {
    const rows = [...tbody.querySelectorAll('tr[data-message-id]')];
    const last = rows[maxRows - 1];
    if (rows.length <= maxRows || !last) return;
    for (const tr of rows.slice(maxRows)) {
      updates.delete(tr.dataset.messageId);
      tr.nextElementSibling?.remove();
      tr.remove();
    }
    next.href = olderHref(`${last.dataset.receivedAt}|${last.dataset.messageId}`);
    next.hidden = false;
  };
  // New mail is read as one page per refresh, however many messages ended meanwhile (a burst is hundreds a second).
  const addFresh = coalesce(async () => {
    const page = await api(`/v1/inbound/messages?${new URLSearchParams({ limit: '50', ...(status ? { status } : {}) })}`).catch(() => undefined);
    // Checked after the wait, with the rows added at once: two messages ending together add each row once.
    const fresh = page?.messages.filter((message) => !updates.has(message.id)) ?? [];
    if (fresh.length === 0) return;
    if (fresh.length === page.messages.length && page.nextCursor) {
      // More mail ended than one page holds: rows between the new page and the shown ones were never read, so
      // the view starts over from the new page, and "Older" goes on from it.
      updates.clear();
      tbody.replaceChildren();
      next.href = olderHref(page.nextCursor);
      next.hidden = false;
    }
    tbody.prepend(...fresh.flatMap((message) => row(message, updates)));
    table.hidden = false;
    empty.hidden = true;
    trim();
  }, 300);
  // The newest page follows mail as it ends: a new message comes in at the top, a known one's row changes.
  const follow = async (id) => {
    const known = updates.get(id);
    if (known) known(await api(`/v1/inbound/messages/${encodeURIComponent(id)}`));
    else addFresh();
  };
  const live = liveSocket('/v1/inbound/live', (news) => void follow(news.id).catch(() => undefined), { onReconnect: () => addFresh() });
  return { dispose: () => live.close() };
}
