import { setTimeout as delay } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import type { EndCode } from '../../src/sessions/end-codes.js';
import { SessionError, type SubCode } from '../../src/sessions/session-error.js';
import type { InMeeting, JoinContext } from '../types.js';
import { watchWebClient } from './in-meeting.js';
import { classify, readSnapshot } from './page-state.js';
import type { PageSnapshot, WebClientState } from './page-state.js';
import { passcodeStep } from './passcode.js';
import type { PasscodeTries } from './passcode.js';
import { accountOf, keepSignIn, loginStep, restoreSignIn } from './sign-in.js';
import type { WebClientUi } from './ui.js';
import { openMeetingPage } from '../browser/open-page.js';

const pollMs = 250;
const clickTimeoutMs = 3_000;
/** Any one action repeated this often without the page moving on means the UI is not what we expect. */
const maxRepeats = 4;
/** Where a guest gets an e-mail field (Webex) the bot gives an address that cannot receive mail. */
const guestEmail = 'notetaker@invalid.example';

interface Flow {
  startedAt: number;
  progressAt: number;
  lastKind: string;
  waitingSince: number | undefined;
  actions: Map<string, number>;
  passwordSubmitted: boolean;
  signInStarted: number;
  /** When the bot last clicked "Sign in", and whether the identity provider's page has shown since. */
  signInClickedAt: number;
  loginSeen: boolean;
  /** When the bot last (re)opened the link while the meeting had not started; undefined before it was seen. */
  reopenedAt: number | undefined;
  passcode: PasscodeTries;
}

/**
 * Opens the meeting and works through what the web app shows, in whatever order, until enough in-call
 * controls prove admission or a terminal page names the outcome. Anonymous by default; with
 * `ctx.authenticated` it restores the account's stored sign-in, or signs in through the identity provider.
 */
export async function joinWebClient(ctx: JoinContext, ui: WebClientUi): Promise<InMeeting> {
  if (ctx.signal.aborted) throw new SessionError('stopped_by_operator', 'open');
  if (ctx.authenticated) {
    accountOf(ctx);
    const restored = await restoreSignIn(ctx);
    ctx.log.info({ restored }, restored ? 'joining signed in with the stored sign-in' : 'joining signed in; no stored sign-in');
  }
  await openMeetingPage(ctx);
  const now = Date.now();
  const flow: Flow = { startedAt: now, progressAt: now, lastKind: 'open', waitingSince: undefined, actions: new Map(), passwordSubmitted: false, signInStarted: 0, signInClickedAt: 0, loginSeen: false, reopenedAt: undefined, passcode: { submits: 0, lastAt: 0 } };
  for (;;) {
    if (ctx.signal.aborted) return abortJoin(ctx, ui, flow);
    const snapshot = await snapshotOrFail(ctx, ui);
    const state: WebClientState = snapshot === undefined ? { kind: 'unknown' } : classify(ui, snapshot);
    if (state.kind !== flow.lastKind) {
      ctx.log.debug({ state: state.kind }, `${ui.name} page state`);
      flow.lastKind = state.kind;
      flow.progressAt = Date.now();
    }
    if (state.kind === 'failed') throw failure(ctx, ui, state);
    if (state.kind === 'admitted') {
      ctx.log.info({ waitedMs: Date.now() - flow.startedAt, signedIn: ctx.authenticated === true }, 'admitted to the meeting');
      if (ctx.authenticated) await keepSignIn(ctx);
      return watchWebClient(ctx.page, ctx.log, ui, ctx.botName);
    }
    if (snapshot !== undefined && (await act(ctx, ui, flow, state, snapshot))) flow.progressAt = Date.now();
    await checkDeadlines(ctx, ui, flow, state);
    await delay(pollMs, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
}

async function snapshotOrFail(ctx: JoinContext, ui: WebClientUi): Promise<PageSnapshot | undefined> {
  try {
    return await readSnapshot(ctx.page, ui);
  } catch (error) {
    throw new SessionError('browser_crashed', 'join', 'the page closed while joining', { cause: error });
  }
}

function failure(ctx: JoinContext, ui: WebClientUi, state: { endCode: EndCode; step: string; reason: string; subCode?: SubCode }): SessionError {
  ctx.log.warn({ endCode: state.endCode, step: state.step }, `${ui.name} join failed: ${state.reason}`);
  return new SessionError(state.endCode, state.step, state.reason, state.subCode ? { subCode: state.subCode } : undefined);
}

/** One action per poll, so a prompt that pops up in between is seen before the next click. */
async function act(ctx: JoinContext, ui: WebClientUi, flow: Flow, state: WebClientState, s: PageSnapshot): Promise<boolean> {
  switch (state.kind) {
    case 'wall':
      // A wall seen anonymously is the answer; signed in, it means the stored sign-in lapsed: sign in once.
      // Right after the click on "Sign in" the wall is still on screen until the browser navigates: not an answer yet.
      if (ctx.authenticated && flow.signInStarted >= 1 && !flow.loginSeen && Date.now() - flow.signInClickedAt < ctx.stepTimeoutMs) return false;
      if (!ctx.authenticated || flow.signInStarted >= 1 || s.signInLink < 0) throw failure(ctx, ui, { ...state, step: 'open' });
      return startSignIn(ctx, ui, flow, s);
    case 'login':
      return loginPage(ctx, ui, flow, s);
    case 'passcode':
      return passcodeStep(ctx, ui, flow.passcode, state.rejected, s);
    case 'no_media_prompt':
      return once(ctx, flow, 'no media', () => ctx.page.locator(ui.noMediaButtons[s.noMedia] ?? '').first().click({ timeout: clickTimeoutMs }));
    case 'launcher':
      return once(ctx, flow, 'launcher', () => ctx.page.locator(ui.launcherButtons[s.launcher] ?? '').first().click({ timeout: clickTimeoutMs }));
    case 'prejoin':
      return prejoinStep(ctx, ui, flow, s);
    case 'waiting':
      if (flow.waitingSince === undefined) {
        flow.waitingSince = Date.now();
        ctx.log.info({ lobby: state.reason }, waitingMessages[state.reason]);
        ctx.phase('waiting_room');
      }
      return state.reason === 'not_started' ? reopenWhenDue(ctx, flow) : false;
    default:
      return false;
  }
}

const waitingMessages = {
  lobby: 'waiting to be admitted',
  approval: 'waiting for the organizer to approve the bot',
  not_started: 'the meeting has not started for the bot yet; waiting for it to start',
} as const;

/**
 * How often a bot facing a meeting that has not started opens the link again: the page never moves on by
 * itself. A twentieth of the waiting-room timeout, within 1–30 s (every 30 s under the 15-minute default).
 */
function reopenEveryMs(ctx: JoinContext): number {
  return Math.min(30_000, Math.max(1_000, ctx.waitingRoomTimeoutMs / 20));
}

async function reopenWhenDue(ctx: JoinContext, flow: Flow): Promise<boolean> {
  const now = Date.now();
  flow.reopenedAt ??= now;
  if (now - flow.reopenedAt < reopenEveryMs(ctx)) return false;
  flow.reopenedAt = now;
  // A fresh pass through launcher and pre-join: the click counters start again.
  flow.actions.clear();
  ctx.log.debug('opening the meeting link again');
  try {
    await openMeetingPage(ctx);
  } catch (error) {
    // A navigation that failed is tried again at the next turn; a stop or a closed page ends the join.
    if (!(error instanceof SessionError) || error.endCode !== 'internal_error') throw error;
    ctx.log.debug({ err: error }, 'could not open the meeting link again');
  }
  return true;
}

async function startSignIn(ctx: JoinContext, ui: WebClientUi, flow: Flow, s: PageSnapshot): Promise<boolean> {
  flow.signInStarted += 1;
  flow.signInClickedAt = Date.now();
  ctx.log.info('signing in to the bot account');
  return once(ctx, flow, 'sign in', () => ctx.page.locator(ui.signInLinks[s.signInLink] ?? '').first().click({ timeout: clickTimeoutMs }));
}

async function loginPage(ctx: JoinContext, ui: WebClientUi, flow: Flow, s: PageSnapshot): Promise<boolean> {
  if (!ctx.authenticated) throw new SessionError('sign_in_required', 'open', `${ui.name} sent the anonymous bot to a sign-in page`);
  flow.loginSeen = true;
  const key = s.login.staySignedIn ? 'stay signed in' : s.login.password >= 0 ? 'password' : 'email';
  return once(ctx, flow, `login ${key}`, async () => {
    const done = await loginStep(ctx, ui, s);
    if (done === 'password') flow.passwordSubmitted = true;
  });
}

async function prejoinStep(ctx: JoinContext, ui: WebClientUi, flow: Flow, s: PageSnapshot): Promise<boolean> {
  const page = ctx.page;
  if (ctx.authenticated && !s.signedIn) {
    if (flow.signInStarted >= 2 || s.signInLink < 0) {
      throw new SessionError('sign_in_failed', 'sign_in', `${ui.name} still shows the guest form after signing in`);
    }
    return startSignIn(ctx, ui, flow, s);
  }
  if (!s.signedIn && s.nameInput >= 0 && s.nameValue !== ctx.botName) {
    return once(ctx, flow, 'name', () => page.locator(ui.nameInputs[s.nameInput] ?? '').first().fill(ctx.botName, { timeout: clickTimeoutMs }));
  }
  if (!s.signedIn && s.emailInput >= 0) {
    const field = page.locator(ui.emailInputs[s.emailInput] ?? '').first();
    if ((await field.inputValue().catch(() => '')) === '') {
      return once(ctx, flow, 'email', () => field.fill(guestEmail, { timeout: clickTimeoutMs }));
    }
  }
  if (s.mediaOn >= 0) {
    return once(ctx, flow, `media ${s.mediaOn}`, () => page.locator(ui.mediaOnToggles[s.mediaOn] ?? '').first().click({ timeout: clickTimeoutMs }));
  }
  if (s.join < 0 || !s.joinEnabled) return false;
  return once(ctx, flow, 'join', () => page.locator(ui.joinButtons[s.join] ?? '').first().click({ timeout: clickTimeoutMs }));
}

/** Runs an action unless it already ran `maxRepeats` times; a failed click is retried by the next poll. */
async function once(ctx: JoinContext, flow: Flow, what: string, action: () => Promise<unknown>): Promise<boolean> {
  const count = (flow.actions.get(what) ?? 0) + 1;
  if (count > maxRepeats) return false;
  flow.actions.set(what, count);
  try {
    await action();
    ctx.log.debug({ action: what }, 'join action');
    return true;
  } catch (error) {
    if (error instanceof SessionError) throw error;
    ctx.log.debug({ action: what, err: error }, 'join action failed');
    return false;
  }
}

async function checkDeadlines(ctx: JoinContext, ui: WebClientUi, flow: Flow, state: WebClientState): Promise<void> {
  const now = Date.now();
  if (flow.waitingSince !== undefined && state.kind === 'waiting' && now - flow.waitingSince > ctx.waitingRoomTimeoutMs) {
    // One clock for the whole wait, as Meet's "Waiting for the host to join": the end code names what was awaited.
    const notStarted = state.reason === 'not_started';
    const endCode = notStarted ? 'meeting_not_started' : 'waiting_room_timeout';
    await ctx.saveEvidence(notStarted ? 'not_started' : 'lobby');
    await leaveLobby(ctx.page, ui);
    ctx.log.warn({ endCode, waitedMs: now - flow.waitingSince }, notStarted ? 'gave up waiting for the meeting to start' : 'gave up waiting to be admitted');
    throw new SessionError(endCode, notStarted ? 'open' : 'lobby', `${notStarted ? 'not started' : 'not admitted'} within ${ctx.waitingRoomTimeoutMs} ms`);
  }
  if (state.kind === 'waiting' || now - flow.progressAt <= ctx.stepTimeoutMs) return;
  const step = state.kind === 'login' ? 'sign_in' : state.kind === 'prejoin' ? 'join_button' : state.kind;
  if (state.kind === 'login' && flow.passwordSubmitted) {
    throw new SessionError('sign_in_failed', 'sign_in', 'the sign-in did not complete');
  }
  ctx.log.warn({ endCode: 'ui_changed', step, state: state.kind }, `${ui.name} page stopped making progress`);
  throw new SessionError('ui_changed', step, `no progress at ${step} within ${ctx.stepTimeoutMs} ms`);
}

async function abortJoin(ctx: JoinContext, ui: WebClientUi, flow: Flow): Promise<never> {
  ctx.log.info({ waiting: flow.waitingSince !== undefined }, 'join stopped by operator');
  await leaveLobby(ctx.page, ui);
  throw new SessionError('stopped_by_operator', flow.waitingSince === undefined ? 'join' : 'lobby');
}

/** Best effort: lobbies show the same hang-up button as the call; never throws. */
export async function leaveLobby(page: Page, ui: WebClientUi): Promise<void> {
  for (const selector of ui.leaveButtons) {
    try {
      const button = page.locator(selector).first();
      if (!(await button.isVisible())) continue;
      await button.click({ timeout: clickTimeoutMs });
      return;
    } catch {
      // The page may already be gone; leaving is best effort.
    }
  }
}
