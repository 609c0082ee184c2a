// Long tables of the Session view (a chatty bot's timeline, a big meeting's consent choices) show their first
// rows and their newest ones, in order, with a row between that says how many are hidden and shows more.
// Building 3,000 rows took over a second, and every live update builds the view again: only what an operator
// reads is built, and the rest is one click away.
import { el } from './lib.js';

const defaults = { head: 5, tail: 100, step: 200, slack: 20 };
const fmtCount = (n) => n.toLocaleString();
const plural = ([one, many], n) => (n === 1 ? one : many);

/**
 * Where the shown tail starts: the newest `tail` items, or from the item the operator revealed last. Kept as
 * that item's key, not as a count, so events arriving live add to the tail and hide nothing already revealed.
 */
function tailStart(items, { key, head, tail }, state) {
  if (state?.all) return head;
  const from = state?.from === undefined ? -1 : items.findIndex((item) => key(item) === state.from);
  const start = from >= 0 ? Math.min(from, items.length - tail) : items.length - tail;
  return Math.max(start, head);
}

/** The row between the first items and the newest: how many are hidden, and the buttons that show them. */
function gapRow(items, options, start, reveal) {
  const { id, noun, columns, head, step, key } = options;
  const hidden = start - head;
  const button = (suffix, label, next, focus) => el('button', { type: 'button', class: 'secondary', id: `${id}-${suffix}`, onclick: () => reveal(next, `${id}-${focus}`) }, label);
  const controls =
    hidden === 0
      ? [`All ${fmtCount(items.length)} ${noun[1]} shown. `, button('fewer', 'Show fewer', undefined, 'more')]
      : [
          `${fmtCount(hidden)} earlier ${plural(noun, hidden)} hidden. `,
          // The last step shows all that is left: the same state as "Show all", so it stays put as items arrive.
          button('more', `Show ${fmtCount(Math.min(step, hidden))} earlier ${plural(noun, Math.min(step, hidden))}`, start - step > head ? { from: key(items[start - step]) } : { all: true }, 'more'),
          ' ',
          button('all', `Show all ${fmtCount(items.length)} ${noun[1]}`, { all: true }, 'fewer'),
        ];
  return el('tr', { class: 'gap', id: `${id}-gap` }, el('td', { colspan: String(columns) }, controls));
}

/**
 * The rows of a long table and a note saying what is shown, for a panel to place above its table. `options`:
 * `id` (the table's; the controls' ids start with it), `noun` ([one, many]), `columns`, `key` (an item's stable
 * id), `row` (builds an item's tr), and optionally `head`, `tail`, `step`. `kept` maps the table id to what the
 * operator revealed, and outlives the view's live re-renders (like its media); a list only a few rows longer than
 * the window is shown whole (a few rows cost less than a click).
 */
export function windowedRows(items, options, kept = new Map()) {
  const settings = { ...defaults, ...options };
  const { id, noun, head, tail, slack, row } = settings;
  const body = el('tbody');
  // Announced when the operator asks for more (role=status), and only then: the same node is updated in place.
  const note = el('p', { class: 'hint', id: `${id}-window`, role: 'status' });
  const draw = () => {
    const start = tailStart(items, settings, kept.get(id));
    const shown = head + items.length - start;
    body.replaceChildren(...items.slice(0, head).map(row), gapRow(items, settings, start, reveal), ...items.slice(start).map(row));
    note.textContent = start === head ? `Showing all ${fmtCount(items.length)} ${noun[1]}.` : `Showing ${fmtCount(shown)} of ${fmtCount(items.length)} ${noun[1]}: the first ${fmtCount(head)} and the newest ${fmtCount(items.length - start)}.`;
  };
  // The clicked button is replaced: the focus goes to the same control in the new row (or its counterpart).
  const reveal = (state, focusId) => {
    if (state === undefined) kept.delete(id);
    else kept.set(id, state);
    draw();
    (body.querySelector(`#${focusId}`) ?? body.querySelector('.gap button'))?.focus();
  };
  if (items.length <= head + tail + slack) {
    body.replaceChildren(...items.map(row));
    return { note: null, body };
  }
  draw();
  return { note, body };
}
