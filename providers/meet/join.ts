import { setTimeout as delay } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import type { EndCode } from '../../src/sessions/end-codes.js';
import { SessionError } from '../../src/sessions/session-error.js';
import type { InMeeting, JoinContext } from '../types.js';
import { watchMeeting } from './in-meeting.js';
import { classify, pageShowsAny, readSnapshot } from './page-state.js';
import type { MeetState, PageSnapshot } from './page-state.js';
import { meetButtons, meetSelectors, meetTexts } from './selectors.js';
import { openMeetingPage } from '../browser/open-page.js';
import { keepSignIn } from '../web-client/sign-in.js';
import { goSignIn, loginStep, onGoogleSignIn, readLogin, startSignedIn } from './sign-in.js';
import type { LoginState, SignInFlow } from './sign-in.js';

const pollMs = 250;
const clickTimeoutMs = 3_000;
const maxClicksPerButton = 3;
/** Re-click the join CTA if the page ignored the first click (handlers not bound yet). */
const joinReclickMs = 2_000;

interface FlowState {
  startedAt: number;
  /** Last time the page changed state or the bot acted; `ui_changed` is measured from here. */
  progressAt: number;
  lastKind: string;
  waitingSince: number | undefined;
  waitingReason: 'lobby' | 'host';
  clicks: Map<string, number>;
  exhausted: Set<string>;
  joinClickedAt: number | undefined;
  /** "Turn off ..." toggles already clicked once; a toggle that keeps its label is not clicked again. */
  toggled: Set<string>;
  nameFills: number;
  /** Present when this join signs in to the bot's Google account (`ctx.authenticated`). */
  signIn: SignInFlow | undefined;
}

/** What one poll saw: a Meet page, or (signing in) Google's sign-in page. */
type PageState = MeetState | LoginState;

/**
 * Opens the meeting and works through whatever Meet shows, in whatever order, until an in-meeting signal
 * proves admission or a terminal page names the outcome. Meet reorders its dialogs between builds, so
 * this is a loop over page states, not a script.
 */
export async function joinMeet(ctx: JoinContext): Promise<InMeeting> {
  if (ctx.signal.aborted) throw new SessionError('stopped_by_operator', 'open');
  const signIn = ctx.authenticated ? await startSignedIn(ctx) : undefined;
  await openMeetingPage(ctx);
  const now = Date.now();
  const flow: FlowState = {
    startedAt: now, progressAt: now, lastKind: 'open', waitingSince: undefined, waitingReason: 'lobby',
    clicks: new Map(), exhausted: new Set(), joinClickedAt: undefined, toggled: new Set(),
    nameFills: 0, signIn,
  };
  for (;;) {
    if (ctx.signal.aborted) return abortJoin(ctx, flow);
    const snapshot = await snapshotOrFail(ctx);
    const state = await pageState(ctx, flow, snapshot);
    const kind = state.kind === 'login' ? `login ${state.step}` : state.kind;
    if (kind !== flow.lastKind) {
      ctx.log.debug({ state: kind }, 'meet page state');
      flow.lastKind = kind;
      flow.progressAt = Date.now();
    }
    if (state.kind === 'failed') throw failure(ctx, state, snapshot);
    if (state.kind === 'admitted') {
      ctx.log.info({ waitedMs: Date.now() - flow.startedAt, signedIn: signIn !== undefined }, 'admitted to the meeting');
      if (signIn) await keepSignIn(ctx);
      return watchMeeting(ctx.page, ctx.log);
    }
    if (await act(ctx, flow, state, snapshot)) flow.progressAt = Date.now();
    await checkDeadlines(ctx, flow, state);
    await delay(pollMs, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
}

/** Google's sign-in page is a step of a signed-in join; to an anonymous bot it is the sign-in wall (classify). */
async function pageState(ctx: JoinContext, flow: FlowState, snapshot: PageSnapshot | undefined): Promise<PageState> {
  if (snapshot === undefined) return { kind: 'unknown' };
  if (flow.signIn && onGoogleSignIn(snapshot)) return (await readLogin(ctx.page)) ?? { kind: 'unknown' };
  return classify(snapshot, flow.exhausted);
}

async function snapshotOrFail(ctx: JoinContext): Promise<PageSnapshot | undefined> {
  try {
    return await readSnapshot(ctx.page);
  } catch (error) {
    throw new SessionError('browser_crashed', 'join', 'the page closed while joining', { cause: error });
  }
}

function failure(ctx: JoinContext, state: Extract<MeetState, { kind: 'failed' }>, snapshot?: PageSnapshot): SessionError {
  ctx.log.warn({ endCode: state.endCode, step: state.step, url: snapshot?.url }, `meet join failed: ${state.reason}`);
  return new SessionError(state.endCode, state.step, state.reason);
}

async function act(ctx: JoinContext, flow: FlowState, state: PageState, snapshot?: PageSnapshot): Promise<boolean> {
  switch (state.kind) {
    case 'login':
      return flow.signIn ? loginStep(ctx, flow.signIn, state) : false;
    case 'dialog':
      return clickButton(ctx, flow, state.button);
    case 'prejoin':
      return snapshot === undefined ? false : prejoinStep(ctx, flow, snapshot, state.joinButton);
    case 'waiting':
      if (flow.waitingSince === undefined) {
        flow.waitingSince = Date.now();
        ctx.log.info({ reason: state.reason }, 'waiting to be admitted');
        ctx.phase('waiting_room');
      }
      flow.waitingReason = state.reason;
      return false;
    default:
      return false;
  }
}

/** One action per poll, so a dialog that pops up in between is seen before the next click. */
async function prejoinStep(
  ctx: JoinContext,
  flow: FlowState,
  snapshot: PageSnapshot,
  joinButton: { name: string; enabled: boolean } | undefined,
): Promise<boolean> {
  // The guest form (a name field) to a bot that should be signed in: its Google sign-in is missing or lapsed.
  if (flow.signIn && snapshot.nameInput !== undefined) return goSignIn(ctx, flow.signIn);
  if (snapshot.nameInput !== undefined && snapshot.nameValue !== ctx.botName && flow.nameFills < maxClicksPerButton) {
    flow.nameFills += 1;
    return attempt(ctx, 'fill name', () =>
      ctx.page.locator(snapshot.nameInput ?? '').first().fill(ctx.botName, { timeout: clickTimeoutMs }),
    );
  }
  const toggle = meetSelectors.mediaOffLabels.find((label) => !flow.toggled.has(label) && snapshot.labels.includes(label));
  if (toggle !== undefined) {
    flow.toggled.add(toggle);
    return attempt(ctx, toggle, () => ctx.page.locator(`[aria-label="${toggle}"]`).first().click({ timeout: clickTimeoutMs }));
  }
  if (joinButton === undefined || !joinButton.enabled) return false;
  const recent = flow.joinClickedAt !== undefined && Date.now() - flow.joinClickedAt < joinReclickMs;
  if (recent || (flow.clicks.get(joinButton.name) ?? 0) >= maxClicksPerButton) return false;
  flow.joinClickedAt = Date.now();
  return clickButton(ctx, flow, joinButton.name);
}

async function clickButton(ctx: JoinContext, flow: FlowState, name: string): Promise<boolean> {
  const count = (flow.clicks.get(name) ?? 0) + 1;
  flow.clicks.set(name, count);
  if (count >= maxClicksPerButton) flow.exhausted.add(name);
  return attempt(ctx, `click ${name}`, () =>
    ctx.page.getByRole('button', { name, exact: true }).first().click({ timeout: clickTimeoutMs }),
  );
}

/** A failed click is not fatal: the next poll re-reads the page, and the step deadline catches a stuck UI. */
async function attempt(ctx: JoinContext, what: string, action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    ctx.log.debug({ action: what }, 'meet join action');
    return true;
  } catch (error) {
    ctx.log.debug({ action: what, err: error }, 'meet join action failed');
    return false;
  }
}

async function checkDeadlines(ctx: JoinContext, flow: FlowState, state: PageState): Promise<void> {
  const now = Date.now();
  if (flow.waitingSince !== undefined && now - flow.waitingSince > ctx.waitingRoomTimeoutMs) {
    await ctx.saveEvidence('lobby');
    await leaveLobby(ctx.page);
    const endCode: EndCode = flow.waitingReason === 'host' ? 'meeting_not_started' : 'waiting_room_timeout';
    ctx.log.warn({ endCode, waitedMs: now - flow.waitingSince }, 'gave up waiting to be admitted');
    throw new SessionError(endCode, 'lobby', `not admitted within ${ctx.waitingRoomTimeoutMs} ms`);
  }
  if (state.kind === 'waiting' || now - flow.progressAt <= ctx.stepTimeoutMs) return;
  if (state.kind === 'login' && flow.signIn?.passwordSubmitted === true) {
    throw new SessionError('sign_in_failed', 'sign_in', 'the Google sign-in did not complete');
  }
  const step = stuckStep(flow, state);
  ctx.log.warn({ endCode: 'ui_changed', step, state: state.kind }, 'meet page stopped making progress');
  throw new SessionError('ui_changed', step, `no progress at ${step} within ${ctx.stepTimeoutMs} ms`);
}

function stuckStep(flow: FlowState, state: PageState): string {
  if (state.kind === 'login') return 'sign_in';
  if (state.kind === 'prejoin') return state.joinButton === undefined ? 'join_button' : 'ask_to_join';
  if (flow.joinClickedAt !== undefined || flow.waitingSince !== undefined) return 'admission';
  return 'name_input';
}

async function abortJoin(ctx: JoinContext, flow: FlowState): Promise<never> {
  ctx.log.info({ waiting: flow.waitingSince !== undefined }, 'join stopped by operator');
  await leaveLobby(ctx.page);
  throw new SessionError('stopped_by_operator', flow.waitingSince === undefined ? 'join' : 'lobby');
}

/** Best effort: the lobby shows "Leave call" (older builds "Cancel"); never throws. */
export async function leaveLobby(page: Page): Promise<void> {
  try {
    for (const name of meetButtons.leaveLobby) {
      const button = page.getByRole('button', { name, exact: true }).first();
      if (!(await button.isVisible())) continue;
      await button.click({ timeout: clickTimeoutMs });
      await page.waitForFunction(pageShowsAny, meetTexts.left, { timeout: clickTimeoutMs }).catch(() => undefined);
      return;
    }
  } catch {
    // The page may already be gone; leaving is best effort.
  }
}
