/* global document */
// Long tables of the Session view (a chatty bot's timeline, a big meeting's consent choices) show their first
// rows and their newest ones, in order, with a row between that says how many are hidden and shows more.
// Building 3,000 rows took over a second, and every live update builds the view again: only what an operator
// reads is built, and the rest is one click away. The timeline, attempts and consent choices are windowed by the
// server too (`remoteList`): a live update downloads their first and newest items only, and "Show more" reads the
// middle when asked.
import { api, el } from './lib.js';

const defaults = { head: 5, tail: 100, step: 200, slack: 20 };
const fmtCount = (n) => n.toLocaleString();
const plural = ([one, many], n) => (n === 1 ? one : many);
/** The largest page the paging routes (`GET /v1/sessions/:id/timeline`, `…/attempts`, `…/consent-choices`) answer. */
const pageLimit = 1000;

/**
 * The row between the first items and the newest: how many are hidden, and the buttons that show them.
 * `actions`: `more` (the next step), `all` and `fewer`, each given the id of the control to focus afterwards.
 */
function gapRow({ id, noun, columns, step }, { hidden, total }, actions) {
  const button = (suffix, label, act, focus) => el('button', { type: 'button', class: 'secondary', id: `${id}-${suffix}`, onclick: () => act(`${id}-${focus}`) }, label);
  const controls =
    hidden === 0
      ? [`All ${fmtCount(total)} ${noun[1]} shown. `, button('fewer', 'Show fewer', actions.fewer, 'more')]
      : [
          `${fmtCount(hidden)} earlier ${plural(noun, hidden)} hidden. `,
          button('more', `Show ${fmtCount(Math.min(step, hidden))} earlier ${plural(noun, Math.min(step, hidden))}`, actions.more, 'more'),
          ' ',
          button('all', `Show all ${fmtCount(total)} ${noun[1]}`, actions.all, 'fewer'),
        ];
  return el('tr', { class: 'gap', id: `${id}-gap` }, el('td', { colspan: String(columns) }, controls));
}

/** What the note above a windowed table says. */
function windowText(noun, { head, tail, total }) {
  if (head + tail === total) return `Showing all ${fmtCount(total)} ${noun[1]}.`;
  return `Showing ${fmtCount(head + tail)} of ${fmtCount(total)} ${noun[1]}: the first ${fmtCount(head)} and the newest ${fmtCount(tail)}.`;
}

/** The tbody and the note (role=status: announced when the operator asks for more, updated in place). */
function tableParts(id) {
  return { body: el('tbody'), note: el('p', { class: 'hint', id: `${id}-window`, role: 'status' }) };
}

/**
 * A list the server windows (the timeline of `GET /v1/sessions/:id?events=N`, the attempts of `?attempts=N`, the
 * consent choices of `?choices=N`), kept for the whole view: its first items, a `run` of items that reaches the
 * newest without a hole, the total, and what the operator revealed (`state`: undefined, `{ from: key }` or
 * `{ all: true }`). `pageUrl` is the keyset route that reads the hidden middle (`?before&after&limit`, answering
 * `{ [field]: items, more }`); `key` orders the items as the server does (a number, or a string compared with
 * `<`). `options`: `field` (default `events`), `head` and `tail` (how many first and newest items are shown),
 * `step` (how many "Show more" adds); `size` is the N the detail should ask for: the tail shown, and the slack
 * shown whole with it (a list only a few items longer than the window is shown whole: a few rows cost less than a
 * click). Reads and merges run one at a time, so a live refresh never interleaves with a "Show more" that is loading.
 */
export function remoteList(pageUrl, key, options = {}) {
  const settings = { ...defaults, field: 'events', ...options, key };
  let queue = Promise.resolve();
  const serial = (task) => {
    const next = queue.then(task);
    queue = next.catch(() => undefined);
    return next;
  };
  const list = { head: [], run: [], total: 0, state: undefined, redraw: undefined, settings, size: settings.tail + settings.slack };
  const sep = pageUrl.includes('?') ? '&' : '?';
  const bound = (name, value) => (value === undefined ? '' : `${name}=${encodeURIComponent(value)}`);
  // The items between two keys (exclusive; `limit` of them at most, the newest), read backwards a page at a time.
  const between = async (after, before, limit = Infinity) => {
    const pages = [];
    let got = 0;
    for (let upper = before; got < limit; ) {
      const bounds = [bound('before', upper), bound('after', after), `limit=${Math.min(pageLimit, limit - got)}`];
      const page = await api(`${pageUrl}${sep}${bounds.filter(Boolean).join('&')}`);
      const items = page[settings.field];
      pages.unshift(items);
      got += items.length;
      if (!page.more || items.length === 0) break;
      upper = key(items[0]);
    }
    return pages.flat();
  };
  /** Takes a windowed detail's list in: the newest items join the run (the hole between read if it is kept). */
  list.update = (items, total, first) =>
    serial(async () => {
      const complete = items.length >= total;
      const head = items.slice(0, complete ? settings.head : first);
      const fresh = items.slice(head.length);
      const newest = list.run.at(-1);
      // Nothing revealed: the window is all the view shows, and what was read before need not be kept.
      if (complete || list.state === undefined || newest === undefined || fresh.length === 0) list.run = fresh;
      else if (key(fresh[0]) <= key(newest)) list.run = [...list.run.filter((item) => key(item) < key(fresh[0])), ...fresh];
      else list.run = [...list.run, ...(await between(key(newest), key(fresh[0]))), ...fresh];
      list.head = head;
      list.total = total;
    });
  /** The operator's "Show N earlier" (`more`), "Show all" or "Show fewer": reads what the run lacks, then shows it. */
  list.show = (kind) =>
    serial(async () => {
      if (kind === 'fewer') {
        list.state = undefined;
        return;
      }
      const { start, hidden } = remoteWindow(list);
      const count = kind === 'all' ? hidden : Math.min(settings.step, hidden);
      const shown = list.run.length - start;
      const missing = Math.min(count - start, list.total - list.head.length - list.run.length);
      if (missing > 0) list.run = [...(await between(list.head.length > 0 ? key(list.head.at(-1)) : undefined, key(list.run[0]), missing)), ...list.run];
      const from = list.run[list.run.length - shown - count];
      // The last step shows all that is left: the same state as "Show all", so it stays put as items arrive.
      list.state = hidden === count || from === undefined ? { all: true } : { from: key(from) };
    });
  return list;
}

/** The shown part of a remote list: where in its run the tail starts, and how many items stay hidden. */
function remoteWindow(list) {
  const { run, head, total, state, settings } = list;
  const from = state?.from === undefined ? -1 : run.findIndex((item) => settings.key(item) === state.from);
  const start = state?.all ? 0 : Math.max(0, from >= 0 ? Math.min(from, run.length - settings.tail) : run.length - settings.tail);
  return { start, hidden: Math.max(0, total - head.length - (run.length - start)) };
}

/**
 * The rows of a `remoteList`'s table and a note saying what is shown, for a panel to place above its table: the
 * first items, a row that says how many are hidden with the controls that show more (read from the server when
 * the operator asks), and the newest items. `options`: `id` (the table's; the controls' ids start with it),
 * `noun` ([one, many]), `columns`, `row` (builds an item's tr). The newest panel built is the one a finished read
 * redraws (live updates rebuild it).
 */
export function remoteRows(list, options) {
  const settings = { ...list.settings, ...options };
  const { id, noun, row } = settings;
  const { body, note } = tableParts(id);
  const reveal = async (kind, focusId) => {
    if (kind !== 'fewer') note.textContent = `Loading earlier ${noun[1]}…`;
    try {
      await list.show(kind);
    } catch (error) {
      note.textContent = `Could not load earlier ${noun[1]}: ${error.message}`;
      return;
    }
    list.redraw?.();
    const gap = document.getElementById(`${id}-gap`);
    (gap?.querySelector(`#${focusId}`) ?? gap?.querySelector('button'))?.focus();
  };
  const actions = { more: (focus) => void reveal('more', focus), all: (focus) => void reveal('all', focus), fewer: (focus) => void reveal('fewer', focus) };
  const draw = () => {
    const { start, hidden } = remoteWindow(list);
    const shown = list.run.slice(start);
    body.replaceChildren(...list.head.map(row), gapRow(settings, { hidden, total: list.total }, actions), ...shown.map(row));
    note.textContent = windowText(noun, { head: list.head.length, tail: shown.length, total: list.total });
  };
  list.redraw = draw;
  const whole = list.head.length + list.run.length >= list.total;
  if (list.state === undefined && whole && list.total <= settings.head + settings.tail + settings.slack) {
    body.replaceChildren(...list.head.map(row), ...list.run.map(row));
    return { note: null, body };
  }
  draw();
  return { note, body };
}
