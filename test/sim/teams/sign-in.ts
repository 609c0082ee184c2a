import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SecondStep, SimAccounts } from '../core/accounts.js';
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

/**
 * What Microsoft shows after the right password of an account with MFA on (Authenticator number match, a texted
 * code, or the "More information required" registration under security defaults). None of them ever completes
 * here: the simulated phone never answers.
 */
function secondStepPage(step: SecondStep, email: string): string {
  const who = `<div>${escapeHtml(email)}</div>`;
  if (step === 'approve') {
    return page(`${who}<div role="heading" aria-level="1">Approve sign in request</div>
<p>Open your Authenticator app, and enter the number shown to sign in.</p><div id="idRichContext_DisplaySign">42</div>
<a href="#" id="signInAnotherWay">I can't use my Microsoft Authenticator app right now</a>`);
  }
  if (step === 'code') {
    return page(`${who}<div role="heading" aria-level="1">Enter code</div>
<p>We texted your phone +X XXXXXXXX12. Please enter the code to sign in.</p>
<input type="tel" name="otc" id="idTxtBx_SAOTCC_OTC" aria-label="Code" placeholder="Code">
<input type="submit" id="idSubmit_SAOTCC_Continue" value="Verify">`);
  }
  return page(`${who}<div role="heading" aria-level="1">More information required</div>
<p>Your organization needs more information to keep your account secure</p>
<input type="button" id="idSubmit_ProofUp_Redirect" value="Next">`);
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
  const check = accounts.verify('teams', email, password);
  if (check === 'second_step') return html(res, secondStepPage(accounts.secondStepOf('teams', email) ?? 'approve', email));
  if (check !== 'ok') {
    return html(res, passwordStep(back, email, "Your account or password is incorrect. If you don't remember your password, reset it now."));
  }
  const { token, maxAgeSeconds } = accounts.issue('teams', email);
  html(res, staySignedIn((persist) => handOffUrl(back, token, maxAgeSeconds, persist)));
}
