/* global document, sessionStorage, fetch, location, WebSocket, setTimeout, clearTimeout, Node, CustomEvent */
// Shared helpers of the console: the token, API calls, DOM building (text only, never HTML from data).

const tokenKey = 'quorum.token';

export const auth = {
  get token() {
    return sessionStorage.getItem(tokenKey) ?? '';
  },
  set(token) {
    sessionStorage.setItem(tokenKey, token);
  },
  clear() {
    sessionStorage.removeItem(tokenKey);
  },
};

export class Unauthorized extends Error {}

/** Quorum did not answer at all (stopped, restarting, network): not the same as a refusal, and said so. */
export class Unreachable extends Error {}

/**
 * Calls the API with the operator's bearer token: `{ok, status, data}` for any answer (some, like an invite run
 * again and rejected, carry their result with an error status); throws only when refused or unanswered.
 */
export async function apiResult(path, { method = 'GET', body } = {}) {
  const headers = { authorization: `Bearer ${auth.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new Unreachable('Quorum did not answer (stopped, restarting or unreachable)');
  }
  if (response.status === 401) throw new Unauthorized('the token was refused');
  const data = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

/** Calls the API with the operator's bearer token; JSON in, JSON out. */
export async function api(path, options = {}) {
  const { ok, status, data } = await apiResult(path, options);
  if (!ok) throw new Error(data.message ?? `the API answered ${status}`);
  return data;
}

/** A URL the browser fetches itself (img, audio, WebSocket): it cannot send headers, so the token rides along. */
export function withToken(path) {
  const separator = path.includes('?') ? '&' : '?';
  return `${path}${separator}token=${encodeURIComponent(auth.token)}`;
}

export function wsUrl(path) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${withToken(path)}`;
}

/** el('a', {href: '#'}, 'text', child): attributes set as properties or attributes, children as text or nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** The browser's time zone: every time on the page is in it, and says so (operators and servers differ). */
export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function fmtTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
}

/** A log line's time of day with milliseconds, in the browser's zone like every other time on the page. */
export function fmtClock(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function stateBadge(state) {
  return el('span', { class: `state state-${state}`, dataset: { state } }, state.replaceAll('_', ' '));
}

/**
 * Runs `fn` once for the calls of each `ms` (refreshes after live changes): `ms` after the first call, then again
 * after it if calls came meanwhile. A busy system's changes never pause, so waiting for a pause (a debounce) left
 * the view unrefreshed for as long as they kept coming. `fn` may return a promise: runs never overlap, so an
 * older answer cannot land over a newer one.
 */
export function coalesce(fn, ms) {
  let timer;
  let running = false;
  let pending = false;
  const run = async () => {
    timer = undefined;
    running = true;
    try {
      await fn();
    } finally {
      running = false;
      if (pending) {
        pending = false;
        timer = setTimeout(run, ms);
      }
    }
  };
  return () => {
    if (running) pending = true;
    else timer ??= setTimeout(run, ms);
  };
}

const liveStatus = () => document.getElementById('live-status');

/**
 * A WebSocket that reconnects with backoff until `close()`; `onMessage` gets parsed JSON. The header shows
 * whether the live feed is connected, for sighted and screen-reader users alike. Changes made while it was
 * down were never sent, so `onReconnect` runs once it is back: the view reads the API again.
 */
export function liveSocket(path, onMessage, { label = 'Live', onReconnect } = {}) {
  let socket;
  let closed = false;
  let delay = 500;
  let lost = false;
  let timer;
  let refusals = 0;
  const open = () => {
    // `path` may be a function: a reconnect asks again (the log resumes after the last line it showed).
    socket = new WebSocket(wsUrl(typeof path === 'function' ? path() : path));
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      refusals = 0;
      delay = 500;
      const status = liveStatus();
      if (status) {
        status.textContent = `${label}: connected`;
        status.classList.add('on');
        status.classList.remove('lost');
      }
      if (lost) onReconnect?.();
      lost = false;
    });
    socket.addEventListener('message', (event) => onMessage(JSON.parse(event.data)));
    socket.addEventListener('close', () => {
      // A socket closed on purpose (the view went away) leaves the header to the next view.
      if (closed) return;
      lost = true;
      // A socket that never opened, twice: Quorum may be back with the token no longer valid (a restart with
      // another admin token, a revoked company token). The API says which; a refused token signs the console out.
      if (!opened && (refusals += 1) >= 2) void signedOutCheck();
      const status = liveStatus();
      if (status) {
        status.classList.remove('on');
        status.classList.add('lost');
        status.textContent = `${label}: connection lost, retrying… (the page may be out of date)`;
      }
      timer = setTimeout(open, delay);
      // Capped low: after a restart the operator should see the page catch up in seconds, not minutes.
      delay = Math.min(delay * 2, 4_000);
    });
  };
  const signedOutCheck = async () => {
    try {
      await apiResult('/console/api/meta');
    } catch (error) {
      if (!(error instanceof Unauthorized) || closed) return;
      closed = true;
      clearTimeout(timer);
      document.dispatchEvent(new CustomEvent('quorum:token-refused'));
    }
  };
  open();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}

let meta;
let metaToken;
/** States, end codes (with their messages), providers and whether the token is the operator's, fetched once per token. */
export async function loadMeta() {
  if (!meta || metaToken !== auth.token) {
    meta = await api('/console/api/meta');
    metaToken = auth.token;
  }
  return meta;
}

export function option(value, label, selected) {
  return el('option', { value, selected: selected === value }, label ?? value);
}

/**
 * A modal question on <dialog>: a title, a line of detail, optional fields, a confirm button and Cancel. Resolves
 * with `answer()` when confirmed and undefined on Cancel or Escape. Elements are `<id>-dialog`, `<id>-title` and
 * `<id>-confirm`. Cancel skips the form's validation, so a required field never holds the dialog open.
 */
export function askInDialog({ id, title, detail, confirm, fields = [], answer = () => true, focus }) {
  return new Promise((resolve) => {
    const dialog = el(
      'dialog',
      { 'aria-labelledby': `${id}-title`, id: `${id}-dialog` },
      el(
        'form',
        { method: 'dialog' },
        el('h2', { id: `${id}-title` }, title),
        el('p', {}, detail),
        ...fields,
        el('div', { class: 'actions' }, el('button', { type: 'submit', value: 'confirm', id: `${id}-confirm` }, confirm), el('button', { type: 'submit', value: 'cancel', class: 'secondary', formnovalidate: true }, 'Cancel')),
      ),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'confirm' ? answer() : undefined);
    });
    document.body.append(dialog);
    dialog.showModal();
    focus?.focus();
  });
}
