import type { Page } from 'playwright-core';
import { SessionError } from '../../src/sessions/session-error.js';
import { openMeetingPage } from '../browser/open-page.js';
import type { JoinContext } from '../types.js';
import { accountOf, restoreSignIn, secondStepReason } from '../web-client/sign-in.js';
import type { PageSnapshot } from './page-state.js';
import { meetSignIn, meetTexts } from './selectors.js';

const fieldTimeoutMs = 3_000;
/** Trips to Google's sign-in page per join; the second guest form after signing in means the sign-in did not hold. */
const maxSignInTrips = 2;

/** One read of Google's sign-in page: which step it shows. */
export interface LoginState {
  kind: 'login';
  /** `second_step`: a 2-Step Verification or "Verify it's you" challenge after the password. */
  step: 'email' | 'password' | 'refused' | 'second_step' | 'other';
  /** Index into the selector list that matched the visible field. */
  field: number;
}

/** A signed-in join's progress through Google's sign-in, kept across polls. */
export interface SignInFlow {
  trips: number;
  passwordSubmitted: boolean;
  filled: Map<string, number>;
}

/**
 * Starts a signed-in join: the account must have credentials (`credentials_missing` otherwise), and its stored
 * sign-in (Google's cookies) goes into the fresh context, so a still-valid session skips the password.
 */
export async function startSignedIn(ctx: JoinContext): Promise<SignInFlow> {
  accountOf(ctx);
  const restored = await restoreSignIn(ctx);
  ctx.log.info({ restored }, restored ? 'joining signed in with the stored Google sign-in' : 'joining signed in; no stored Google sign-in');
  return { trips: 0, passwordSubmitted: false, filled: new Map() };
}

export function onGoogleSignIn(snapshot: PageSnapshot): boolean {
  return snapshot.url.startsWith(meetTexts.signInUrlPrefix);
}

/** Runs in the page: keep it self-contained. */
function loginInPage(query: { email: readonly string[]; password: readonly string[]; refused: readonly string[]; secondStep: readonly string[] }): Omit<LoginState, 'kind'> {
  const visible = (selector: string): boolean => Array.from(document.querySelectorAll(selector)).some((el) => el.checkVisibility());
  const text = (document.body?.innerText ?? '').toLowerCase();
  if (query.refused.some((t) => text.includes(t.toLowerCase()))) return { step: 'refused', field: -1 };
  if (query.secondStep.some((t) => text.includes(t.toLowerCase()))) return { step: 'second_step', field: -1 };
  const password = query.password.findIndex(visible);
  if (password >= 0) return { step: 'password', field: password };
  const email = query.email.findIndex(visible);
  return email >= 0 ? { step: 'email', field: email } : { step: 'other', field: -1 };
}

export async function readLogin(page: Page): Promise<LoginState | undefined> {
  const query = { email: meetSignIn.emailInputs, password: meetSignIn.passwordInputs, refused: meetSignIn.refused, secondStep: meetSignIn.secondStep };
  try {
    return { kind: 'login', ...(await page.evaluate(loginInPage, query)) };
  } catch (error) {
    if (page.isClosed()) throw error;
    return undefined;
  }
}

/**
 * One step of Google's password sign-in. The password only goes into its field, never into a log line or an
 * error. Returns whether it acted; a refusal ("Wrong password", unknown account) or a second step after the
 * password ends the join `sign_in_failed`, each with its own reason.
 */
export async function loginStep(ctx: JoinContext, flow: SignInFlow, state: LoginState): Promise<boolean> {
  if (state.step === 'refused') throw new SessionError('sign_in_failed', 'sign_in', 'Google refused the bot account\'s sign-in', { subCode: 'credentials_refused' });
  if (state.step === 'second_step') {
    const reason = secondStepReason('Google', meetSignIn.secondStepAdvice);
    ctx.log.warn({ endCode: 'sign_in_failed', step: 'sign_in' }, `meet join failed: ${reason}`);
    throw new SessionError('sign_in_failed', 'sign_in', reason, { subCode: 'second_step_required' });
  }
  if (state.step === 'other') return false;
  const account = accountOf(ctx);
  const count = (flow.filled.get(state.step) ?? 0) + 1;
  if (count > 3) return false;
  flow.filled.set(state.step, count);
  const inputs = state.step === 'password' ? meetSignIn.passwordInputs : meetSignIn.emailInputs;
  const value = state.step === 'password' ? account.password : account.email;
  try {
    await ctx.page.locator(inputs[state.field] ?? '').first().fill(value, { timeout: fieldTimeoutMs });
    await next(ctx.page);
    if (state.step === 'password') flow.passwordSubmitted = true;
    ctx.log.debug({ action: `google ${state.step}` }, 'meet sign-in action');
    return true;
  } catch (error) {
    ctx.log.debug({ action: `google ${state.step}`, err: error }, 'meet sign-in action failed');
    return false;
  }
}

async function next(page: Page): Promise<void> {
  for (const selector of meetSignIn.nextButtons) {
    const button = page.locator(selector).first();
    if (await button.isVisible()) return button.click({ timeout: fieldTimeoutMs });
  }
  await page.getByRole('button', { name: meetSignIn.nextLabel, exact: true }).first().click({ timeout: fieldTimeoutMs });
}

/**
 * Meet showed the guest form to a bot that should be signed in (no stored sign-in, or it lapsed): go through
 * Google's sign-in, which returns to the meeting. A guest form after the second trip means it does not hold.
 */
export async function goSignIn(ctx: JoinContext, flow: SignInFlow): Promise<boolean> {
  if (flow.trips >= maxSignInTrips) throw new SessionError('sign_in_failed', 'sign_in', 'Meet still shows the guest form after signing in');
  flow.trips += 1;
  ctx.log.info('signing in to the bot\'s Google account');
  const url = new URL(meetSignIn.serviceLoginUrl);
  url.searchParams.set(meetSignIn.continueParam, ctx.ref.url);
  await openMeetingPage({ ...ctx, ref: { ...ctx.ref, url: url.href } });
  return true;
}
