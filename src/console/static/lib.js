/* global document, sessionStorage, fetch, location, WebSocket, setTimeout, clearTimeout, Node */
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

/** Calls the API with the operator's bearer token; JSON in, JSON out. */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { authorization: `Bearer ${auth.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) throw new Unauthorized('the token was refused');
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message ?? `${response.status} ${response.statusText}`);
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


export function fmtTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function stateBadge(state) {
  return el('span', { class: `state state-${state}`, dataset: { state } }, state.replaceAll('_', ' '));
}

/** Runs `fn` once after calls stop for `ms` (refreshes after bursts of live changes). */
export function debounce(fn, ms) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

const liveStatus = () => document.getElementById('live-status');

/**
 * A WebSocket that reconnects with backoff until `close()`; `onMessage` gets parsed JSON. The header shows
 * whether the live feed is connected, for sighted and screen-reader users alike.
 */
export function liveSocket(path, onMessage, { label = 'Live' } = {}) {
  let socket;
  let closed = false;
  let delay = 500;
  const open = () => {
    // `path` may be a function: a reconnect asks again (the log resumes after the last line it showed).
    socket = new WebSocket(wsUrl(typeof path === 'function' ? path() : path));
    socket.addEventListener('open', () => {
      delay = 500;
      const status = liveStatus();
      if (status) {
        status.textContent = `${label}: connected`;
        status.classList.add('on');
      }
    });
    socket.addEventListener('message', (event) => onMessage(JSON.parse(event.data)));
    socket.addEventListener('close', () => {
      // A socket closed on purpose (the view went away) leaves the header to the next view.
      if (closed) return;
      const status = liveStatus();
      if (status) {
        status.classList.remove('on');
        status.textContent = `${label}: reconnecting…`;
      }
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10_000);
    });
  };
  open();
  return {
    close() {
      closed = true;
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
