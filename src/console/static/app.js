/* global document, window, location, URLSearchParams */
// The console's router: hash routes (#/sessions, #/sessions/<id>, #/overview, #/providers, #/companies, #/inbound),
// so the server serves one data-free page and every view reads the API with the operator's token.
import { Unauthorized, auth, el, loadMeta } from './lib.js';
import { companiesView, overviewView, providersView } from './admin.js';
import { inboundView } from './inbound.js';
import { sessionView } from './session.js';
import { sessionsView } from './sessions.js';

const view = () => document.getElementById('view');
let current;
/** Counts renders, so a view that finishes loading after the operator moved on is closed, not kept. */
let renders = 0;

function route() {
  const hash = location.hash.replace(/^#/, '') || '/sessions';
  const [path, query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'sessions' && parts[1]) return { name: 'session', render: (root) => sessionView(root, decodeURIComponent(parts[1])) };
  if (parts[0] === 'overview') return { name: 'overview', render: (root) => overviewView(root, params) };
  if (parts[0] === 'providers') return { name: 'providers', render: (root) => providersView(root, params) };
  if (parts[0] === 'companies') return { name: 'companies', render: (root) => companiesView(root, params) };
  if (parts[0] === 'inbound') return { name: 'inbound', render: (root) => inboundView(root, params) };
  return { name: 'sessions', render: (root) => sessionsView(root, params) };
}

function showLogin(message) {
  renders += 1;
  current?.dispose?.();
  current = undefined;
  document.getElementById('nav').hidden = true;
  document.getElementById('sign-out').hidden = true;
  const root = view();
  root.replaceChildren(document.getElementById('login-template').content.cloneNode(true));
  if (message) document.getElementById('login-error').textContent = message;
  document.getElementById('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    auth.set(document.getElementById('token').value.trim());
    void render();
  });
  document.getElementById('token').focus();
}

// A live feed found the token refused (Quorum restarted with another admin token, a company token revoked).
document.addEventListener('quorum:token-refused', () => {
  auth.clear();
  showLogin('That token was refused. Check it and sign in again.');
});

async function render() {
  if (!auth.token) return showLogin();
  current?.dispose?.();
  current = undefined;
  // A view that opens no live feed must not show the previous view's connection state.
  const status = document.getElementById('live-status');
  status.textContent = '';
  status.classList.remove('on');
  document.getElementById('nav').hidden = false;
  document.getElementById('sign-out').hidden = false;
  const next = route();
  for (const link of document.querySelectorAll('nav a')) {
    const target = link.getAttribute('href').slice(2);
    if (target === next.name || (target === 'sessions' && next.name === 'session')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const root = el('div');
  view().replaceChildren(root);
  const mine = (renders += 1);
  try {
    // Received invite e-mails are the operator's (admin token) alone.
    document.getElementById('nav-inbound').hidden = !(await loadMeta()).admin;
    const shown = await next.render(root);
    // Another render started while this one loaded: its view is on screen, and this one's live feed must not stay open.
    if (mine !== renders) return shown?.dispose?.();
    current = shown;
  } catch (error) {
    if (mine !== renders) return;
    if (error instanceof Unauthorized) {
      auth.clear();
      return showLogin('That token was refused. Check it and sign in again.');
    }
    // Not a dead end: the API may be restarting, and the operator can ask again without losing the URL.
    root.replaceChildren(el('p', { class: 'error', role: 'alert', id: 'view-error' }, `Could not load this view: ${error.message} `, el('button', { type: 'button', class: 'secondary', id: 'view-retry', onclick: () => void render() }, 'Try again')));
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  auth.clear();
  showLogin();
});
window.addEventListener('hashchange', () => void render());
void render();
