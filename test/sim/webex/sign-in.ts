import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimAccounts } from '../core/accounts.js';
import { readForm } from '../core/accounts.js';
import { escapeHtml, webAppPage } from '../core/web-app.js';
import { handOffUrl, html } from '../core/web-provider.js';

/** The Webex identity broker's password sign-in: e-mail ("Next"), then password ("Sign In"). */
const style = `body { font-family: Inter, sans-serif; background: #f7f7f7; } main { background: #fff; width: 400px; margin: 48px auto; padding: 40px; }
.error { color: #d4371c; }`;

const page = (body: string): string => webAppPage({ title: 'Webex sign in', style, body });

function emailStep(back: string, error = ''): string {
  return page(`<h1>Enter your email address</h1>${error ? `<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/idb/UI/Login"><input type="hidden" name="return" value="${escapeHtml(back)}">
<input type="email" id="IDToken1" name="IDToken1" aria-label="Email address" placeholder="Email address">
<button type="submit" id="IDButton2">Next</button></form>`);
}

function passwordStep(back: string, email: string, error = ''): string {
  return page(`<h1>Enter your password</h1><p>${escapeHtml(email)}</p>${error ? `<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/idb/UI/Login"><input type="hidden" name="return" value="${escapeHtml(back)}">
<input type="hidden" name="IDToken1" value="${escapeHtml(email)}">
<input type="password" id="IDToken2" name="IDToken2" aria-label="Password" placeholder="Password">
<button type="submit" id="Button1">Sign In</button></form>`);
}

/**
 * The broker's step after the right password of an account with multi-factor authentication on. Cisco publishes
 * no copy for it: this is the simulator's own, and the adapter's selectors.ts names the same words.
 */
function verificationStep(email: string): string {
  return page(`<h1>Enter verification code</h1><p>${escapeHtml(email)}</p>
<p>Enter the verification code from your authenticator app to finish signing in.</p>
<form onsubmit="return false"><input type="text" id="otp" name="otp" inputmode="numeric" aria-label="Verification code">
<button type="submit" id="verify-button">Verify</button></form>`);
}

export async function serveWebexSignIn(req: IncomingMessage, res: ServerResponse, url: URL, accounts: SimAccounts): Promise<void> {
  if (url.pathname !== '/idb/UI/Login') return void res.writeHead(404).end();
  if (req.method === 'GET') return html(res, emailStep(url.searchParams.get('return') ?? ''));
  if (req.method !== 'POST') return void res.writeHead(405).end();
  const form = await readForm(req);
  const back = form.get('return') ?? '';
  const email = form.get('IDToken1') ?? '';
  const password = form.get('IDToken2');
  if (password === null) {
    if (accounts.find('webex', email) === undefined) return html(res, emailStep(back, 'Enter a valid email address.'));
    return html(res, passwordStep(back, email));
  }
  const check = accounts.verify('webex', email, password);
  // Every second step looks the same here: the broker asks for a code whichever factor the account uses.
  if (check === 'second_step') return html(res, verificationStep(email));
  if (check !== 'ok') {
    return html(res, passwordStep(back, email, 'Incorrect password. Try again.'));
  }
  const { token, maxAgeSeconds } = accounts.issue('webex', email);
  res.writeHead(302, { location: handOffUrl(back, token, maxAgeSeconds, true), 'cache-control': 'no-store' }).end();
}
