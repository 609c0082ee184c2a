import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SecondStep, SimAccounts } from '../core/accounts.js';
import { readCookie, readForm } from '../core/accounts.js';
import { escapeHtml } from './pages.js';

/** Google's identity host; its cookies are set for the whole google.com domain, so meet.google.com sees them. */
export const googleSignInHost = 'accounts.google.com';
export const googleCookie = 'sim_google_auth';

/**
 * accounts.google.com as a password sign-in sees it: "Sign in / Use your Google Account" with the e-mail field
 * (`#identifierId`, "Next" in `#identifierNext`), then "Welcome" with the password field (`Passwd`, "Next" in
 * `#passwordNext`), then back to the `continue` URL. The ids and names are the live page's (peer bots' Google
 * login flows); the wall heading and "your Google Account" copy are peer-bots.md §6.1's.
 */
const style = `body { font-family: Roboto, Arial, sans-serif; background: #fff; color: #202124; }
main { width: 450px; margin: 48px auto; padding: 40px; border: 1px solid #dadce0; border-radius: 8px; }
.error { color: #d93025; } button { background: #1a73e8; color: #fff; border: 0; border-radius: 4px; padding: 8px 24px; }`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>${style}</style></head>
<body><main>${body}</main></body></html>`;
}

function emailStep(next: string, error = ''): string {
  return page('Sign in - Google Accounts', `<h1>Sign in</h1><div>Use your Google Account</div>
${error ? `<div class="error" aria-live="assertive">${error}</div>` : ''}
<form method="post" action="/ServiceLogin"><input type="hidden" name="continue" value="${escapeHtml(next)}">
<input type="email" id="identifierId" name="identifier" aria-label="Email or phone" autocomplete="username">
<div id="identifierNext"><button type="submit"><span>Next</span></button></div></form>`);
}

function passwordStep(next: string, email: string, error = ''): string {
  return page('Sign in - Google Accounts', `<h1>Welcome</h1><div>${escapeHtml(email)}</div>
${error ? `<div class="error" aria-live="assertive">${error}</div>` : ''}
<form method="post" action="/ServiceLogin"><input type="hidden" name="continue" value="${escapeHtml(next)}">
<input type="hidden" name="identifier" value="${escapeHtml(email)}">
<input type="password" name="Passwd" aria-label="Enter your password" autocomplete="current-password">
<div id="passwordNext"><button type="submit"><span>Next</span></button></div></form>`);
}

/**
 * Google's pages after the right password of an account with 2-Step Verification on (a prompt on the phone, a code
 * from an authenticator app), or "Verify it's you" for a sign-in Google wants confirmed. None ever completes here.
 */
function secondStepPage(step: SecondStep, email: string): string {
  const who = `<div>${escapeHtml(email)}</div>`;
  if (step === 'register') {
    return page('Sign in - Google Accounts', `<h1>Verify it's you</h1>${who}
<div>This device isn't recognized. For your security, Google wants to make sure it's really you.</div>`);
  }
  const challenge = step === 'approve'
    ? `<div>Check your phone</div><div>Google sent a notification to your phone. Tap <b>Yes</b> on the notification to verify it's you.</div>`
    : `<div>Enter a verification code</div><div>Get a verification code from the Google Authenticator app</div>
<input type="tel" id="totpPin" name="totpPin" aria-label="Enter code">
<div id="totpNext"><button type="button"><span>Next</span></button></div>`;
  return page('Sign in - Google Accounts', `<h1>2-Step Verification</h1>${who}
<div>To help keep your account safe, Google wants to make sure it's really you trying to sign in</div>${challenge}`);
}

function html(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
}

/** Only Google hosts are followed after sign-in, as Google does with `continue`. */
function safeContinue(raw: string | null): string {
  try {
    const url = new URL(raw ?? '');
    return url.protocol === 'https:' && url.hostname.endsWith('.google.com') ? url.href : 'https://meet.google.com/';
  } catch {
    return 'https://meet.google.com/';
  }
}

export async function serveGoogleSignIn(req: IncomingMessage, res: ServerResponse, url: URL, accounts: SimAccounts): Promise<void> {
  if (url.pathname !== '/ServiceLogin') return void res.writeHead(404).end();
  if (req.method === 'GET') return html(res, emailStep(safeContinue(url.searchParams.get('continue'))));
  if (req.method !== 'POST') return void res.writeHead(405).end();
  const form = await readForm(req);
  const next = safeContinue(form.get('continue'));
  const email = form.get('identifier') ?? '';
  const password = form.get('Passwd');
  if (password === null) {
    if (accounts.find('meet', email) === undefined) return html(res, emailStep(next, "Couldn't find your Google Account"));
    return html(res, passwordStep(next, email));
  }
  const check = accounts.verify('meet', email, password);
  if (check === 'second_step') return html(res, secondStepPage(accounts.secondStepOf('meet', email) ?? 'code', email));
  if (check !== 'ok') {
    return html(res, passwordStep(next, email, 'Wrong password. Try again or click Forgot password to reset it.'));
  }
  const { token, maxAgeSeconds } = accounts.issue('meet', email);
  res.writeHead(302, {
    location: next,
    'set-cookie': `${googleCookie}=${encodeURIComponent(token)}; Domain=google.com; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}`,
    'cache-control': 'no-store',
  });
  res.end();
}

/** The signed-in Google account behind a request to any google.com host, if its session is valid. */
export function googleAccountOf(req: IncomingMessage, accounts: SimAccounts): ReturnType<SimAccounts['signedIn']> {
  return readCookie(req, googleCookie) === undefined ? undefined : accounts.signedIn('meet', req, googleCookie);
}
