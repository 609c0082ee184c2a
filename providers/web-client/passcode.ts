import type { Page } from 'playwright-core';
import { SessionError } from '../../src/sessions/session-error.js';
import type { JoinContext } from '../types.js';
import type { PageSnapshot } from './page-state.js';
import type { WebClientUi } from './ui.js';

const fieldTimeoutMs = 3_000;
/** After a submit the prompt stays on screen until the page moves on; it counts as asked again only after this. */
const settleMs = 2_000;
/** Submits of the same passcode before a prompt that keeps coming back is taken as a refusal. */
const maxSubmits = 2;

/** The bot's answers to the meeting's passcode prompt, kept across polls. */
export interface PasscodeTries {
  submits: number;
  lastAt: number;
}

/**
 * The passcode to give, and where it came from for the requester: the link's own first (it is the meeting's as the
 * provider wrote it), else the one the invite or request stated (`MeetingRef.passcode`).
 */
function passcodeOf(ctx: JoinContext, ui: WebClientUi): { passcode: string; from: string; fix: string } | undefined {
  const carried = ui.passcode.fromLink(new URL(ctx.ref.url));
  if (carried !== undefined) return { passcode: carried, from: 'the link carries', fix: "ask the organizer for the meeting's current link" };
  const stated = ctx.ref.passcode;
  return stated ? { passcode: stated, from: 'the invite states', fix: "ask the organizer for the meeting's current passcode and request the recording again with it" } : undefined;
}

/**
 * The meeting asks for its passcode: the bot enters the one its link carries, else the one its invite states
 * (twice at most, letting the page settle in between).
 * Without one, or when the page says it is wrong, the join ends `password_incorrect` saying which; the passcode
 * itself is never part of a log line or an error (it opens the meeting).
 */
export async function passcodeStep(ctx: JoinContext, ui: WebClientUi, tries: PasscodeTries, rejected: boolean, s: PageSnapshot): Promise<boolean> {
  const known = passcodeOf(ctx, ui);
  if (known === undefined) throw refused(ctx, ui, `${ui.name} asked for the meeting passcode and Quorum has none: ${ui.passcode.missing}`);
  const { passcode, from, fix } = known;
  if (rejected) throw refused(ctx, ui, `${ui.name} rejected the meeting passcode ${from}; ${fix}`);
  if (s.passcode.input < 0) return false;
  if (tries.submits > 0 && Date.now() - tries.lastAt < settleMs) return false;
  if (tries.submits >= maxSubmits) {
    throw refused(ctx, ui, `${ui.name} asked for the meeting passcode again after the bot entered the one ${from}; ${fix}`);
  }
  tries.submits += 1;
  tries.lastAt = Date.now();
  try {
    await submit(ctx.page, ui, s, passcode);
    ctx.log.debug({ action: 'passcode' }, 'join action');
    return true;
  } catch (error) {
    ctx.log.debug({ action: 'passcode', err: error }, 'join action failed');
    return false;
  }
}

async function submit(page: Page, ui: WebClientUi, s: PageSnapshot, passcode: string): Promise<void> {
  const field = page.locator(ui.passcode.inputs[s.passcode.input] ?? '').first();
  await field.fill(passcode, { timeout: fieldTimeoutMs });
  const button = ui.passcode.submitButtons[s.passcode.submit];
  // Without a recognized button the form's own submit: Enter in the field.
  if (s.passcode.submit < 0 || button === undefined) return field.press('Enter', { timeout: fieldTimeoutMs });
  await page.locator(button).first().click({ timeout: fieldTimeoutMs });
}

function refused(ctx: JoinContext, ui: WebClientUi, reason: string): SessionError {
  ctx.log.warn({ endCode: 'password_incorrect', step: 'passcode' }, `${ui.name} join failed: ${reason}`);
  return new SessionError('password_incorrect', 'passcode', reason);
}
