import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimAccounts } from '../core/accounts.js';
import { readForm } from '../core/accounts.js';
import { escapeHtml, webAppPage } from '../core/web-app.js';
import { handOffUrl, html } from '../core/web-provider.js';

/**
 * login.microsoftonline.com as a password sign-in sees it: e-mail ("Next"), password ("Sign in"),
 * "Stay signed in?" ("Yes"/"No"). Field names and button ids are the live ones (`loginfmt`, `passwd`,
 * `#idSIButton9`, `#idBtn_Back`; Attendee's signed-in bot flow).
 */
const style = `body { font-family: 'Segoe UI', sans-serif; background: #f2f2f2; } main { background: #fff; width: 440px; margin: 48px auto; padding: 44px; }
.error { color: #e81123; } input[type="submit"] { background: #0067b8; color: #fff; border: 0; padding: 6px 24px; margin: 4px; }`;

const page = (body: string): string => webAppPage({ title: 'Sign in to your account', style, body });

function emailStep(back: string, error = ''): string {
  return page(`<div role="heading" aria-level="1">Sign in</div>${error ? `<div class="error" id="usernameError">${error}</div>` : ''}
<form method="post" action="/common/login">
<input type="hidden" name="return" value="${escapeHtml(back)}">
<input type="email" name="loginfmt" aria-label="Enter your email, phone, or Skype." placeholder="Email, phone, or Skype">
<input type="submit" id="idSIButton9" value="Next"></form>`);
}

function passwordStep(back: string, email: string, error = ''): string {
  return page(`<div role="heading" aria-level="1">Enter password</div><div>${escapeHtml(email)}</div>${error ? `<div class="error" id="passwordError">${error}</div>` : ''}
<form method="post" action="/common/login">
<input type="hidden" name="return" value="${escapeHtml(back)}">
<input type="hidden" name="loginfmt" value="${escapeHtml(email)}">
<input type="password" name="passwd" aria-label="Enter the password for ${escapeHtml(email)}" placeholder="Password">
<input type="submit" id="idSIButton9" value="Sign in"></form>`);
}

function staySignedIn(next: (persist: boolean) => string): string {
  return page(`<div role="heading" aria-level="1">Stay signed in?</div>
<p>Stay signed in so you don't have to sign in again next time.</p>
<input type="button" id="idBtn_Back" value="No" onclick="location.href='${escapeHtml(next(false))}'">
<input type="submit" id="idSIButton9" value="Yes" onclick="location.href='${escapeHtml(next(true))}'">`);
}

export async function serveMicrosoftSignIn(req: IncomingMessage, res: ServerResponse, url: URL, accounts: SimAccounts): Promise<void> {
  if (url.pathname !== '/common/login') return void res.writeHead(404).end();
  if (req.method === 'GET') return html(res, emailStep(url.searchParams.get('return') ?? ''));
  if (req.method !== 'POST') return void res.writeHead(405).end();
  const form = await readForm(req);
  const back = form.get('return') ?? '';
  const email = form.get('loginfmt') ?? '';
  const password = form.get('passwd');
  if (password === null) {
    if (accounts.find('teams', email) === undefined) {
      return html(res, emailStep(back, "This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin."));
    }
    return html(res, passwordStep(back, email));
  }
  if (accounts.verify('teams', email, password) !== 'ok') {
    return html(res, passwordStep(back, email, "Your account or password is incorrect. If you don't remember your password, reset it now."));
  }
  const { token, maxAgeSeconds } = accounts.issue('teams', email);
  html(res, staySignedIn((persist) => handOffUrl(back, token, maxAgeSeconds, persist)));
}
