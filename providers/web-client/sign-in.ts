import type { BrowserContext } from 'playwright-core';
import { SessionError } from '../../src/sessions/session-error.js';
import type { JoinContext } from '../types.js';
import type { PageSnapshot } from './page-state.js';
import type { WebClientUi } from './ui.js';

const fieldTimeoutMs = 3_000;

interface StoredState {
  cookies: Parameters<BrowserContext['addCookies']>[0];
}

/**
 * Why a signed-in join ends when the identity provider asks the bot account for a second step after its password
 * (an authenticator prompt, a one-time code, MFA registration). The password was right, so the reason says what is
 * wrong instead: bot accounts sign in with a password alone (providers.md §4.2: a dedicated account with security
 * defaults and 2FA off).
 */
export function secondStepReason(identityProvider: string, advice: string): string {
  return `${identityProvider} asked the bot account for a second sign-in step (two-step verification or MFA) after its password, which a bot cannot answer: ${advice}`;
}

/** The account an authenticated join uses; `credentials_missing` when the settings enable it without one. */
export function accountOf(ctx: JoinContext): NonNullable<JoinContext['account']> {
  if (!ctx.account || ctx.account.email === '' || ctx.account.password === '') {
    throw new SessionError('credentials_missing', 'sign_in', 'the authenticated bot has no account credentials');
  }
  return ctx.account;
}

/**
 * Puts the account's stored sign-in (cookies) into the bot's fresh context before the meeting opens, so
 * a still-valid session skips the password step. Expired cookies are dropped; a server-side expiry shows
 * up as an anonymous pre-join page and the join loop signs in again.
 */
export async function restoreSignIn(ctx: JoinContext): Promise<boolean> {
  const stored = await ctx.account?.signedInState?.load().catch(() => undefined);
  if (stored === undefined) return false;
  let state: StoredState;
  try {
    state = JSON.parse(stored) as StoredState;
  } catch {
    return false;
  }
  const now = Date.now() / 1000;
  const cookies = (state.cookies ?? []).filter((c) => c.expires === undefined || c.expires === -1 || c.expires > now);
  if (cookies.length === 0) return false;
  await ctx.page.context().addCookies(cookies);
  return true;
}

/** Keeps the signed-in state for the next join of this account (the store encrypts it at rest). */
export async function keepSignIn(ctx: JoinContext): Promise<void> {
  const store = ctx.account?.signedInState;
  if (!store) return;
  try {
    const state = await ctx.page.context().storageState();
    await store.save(JSON.stringify({ cookies: state.cookies }));
  } catch (error) {
    ctx.log.warn({ err: error }, 'could not keep the signed-in state');
  }
}

/** One step of the identity provider's password sign-in; returns what it did, for the progress clock. */
export async function loginStep(ctx: JoinContext, ui: WebClientUi, s: PageSnapshot): Promise<string | undefined> {
  const account = accountOf(ctx);
  const login = ui.login;
  const page = ctx.page;
  if (s.login.staySignedIn) {
    await page.locator(login.staySignedIn.yes).first().click({ timeout: fieldTimeoutMs });
    return 'stay signed in';
  }
  const submit = login.submitButtons[Math.max(0, s.login.submit)] ?? '';
  if (s.login.password >= 0) {
    // The password goes only into the field; it is never part of a log line or an error message.
    await page.locator(login.passwordInputs[s.login.password] ?? '').first().fill(account.password, { timeout: fieldTimeoutMs });
    await page.locator(submit).first().click({ timeout: fieldTimeoutMs });
    return 'password';
  }
  if (s.login.email >= 0) {
    await page.locator(login.emailInputs[s.login.email] ?? '').first().fill(account.email, { timeout: fieldTimeoutMs });
    await page.locator(submit).first().click({ timeout: fieldTimeoutMs });
    return 'email';
  }
  return undefined;
}
