import type { Page } from 'playwright-core';
import type { EndCode } from '../../src/sessions/end-codes.js';
import { meetButtons, meetSelectors, meetTexts } from './selectors.js';
import { includesAny } from '../browser/presence.js';

/** What one read of the page shows; everything the join loop decides on comes from here. */
export interface PageSnapshot {
  url: string;
  /** Visible text of the body, lower-cased. */
  text: string;
  headings: string[];
  buttons: { name: string; enabled: boolean }[];
  /** aria-labels of visible elements. */
  labels: string[];
  nameInput: string | undefined;
  nameValue: string;
  /** How many of `meetSelectors.inMeetingSignals` show: UI the lobby never renders. */
  inMeetingSignals: number;
  /** How many of `meetSelectors.callUiSignals` show: call UI the lobby may render too. */
  callUiSignals: number;
  /** How many of `meetSelectors.lobbyElements` show. */
  lobbyElements: number;
  /** Visible text of open dialogs, lower-cased. */
  dialogText: string;
}

export type MeetState =
  | { kind: 'failed'; endCode: EndCode; step: string; reason: string }
  | { kind: 'dialog'; button: string }
  | { kind: 'admitted' }
  | { kind: 'waiting'; reason: 'lobby' | 'host' }
  | { kind: 'prejoin'; joinButton: { name: string; enabled: boolean } | undefined }
  | { kind: 'unknown' };

interface SnapshotQuery {
  nameInputs: readonly string[];
  inMeetingSignals: readonly string[];
  callUiSignals: readonly string[];
  lobbyElements: readonly string[];
  dialogs: string;
}

/** One evaluate per poll. Returns undefined while the page navigates (its context is being replaced). */
export async function readSnapshot(page: Page): Promise<PageSnapshot | undefined> {
  const query: SnapshotQuery = {
    nameInputs: meetSelectors.nameInputs,
    inMeetingSignals: meetSelectors.inMeetingSignals,
    callUiSignals: meetSelectors.callUiSignals,
    lobbyElements: meetSelectors.lobbyElements,
    dialogs: meetSelectors.dialogs,
  };
  try {
    return await page.evaluate(snapshotInPage, query);
  } catch (error) {
    if (page.isClosed()) throw error;
    return undefined;
  }
}

/** Runs in the page: keep it self-contained (no imports, no outer variables). */
function snapshotInPage(query: SnapshotQuery): PageSnapshot {
  const isShown = (el: Element): boolean => el.checkVisibility();
  const shown = (selector: string): Element[] =>
    Array.from(document.querySelectorAll(selector)).filter(isShown);
  const count = (selectors: readonly string[]): number => selectors.filter((selector) => shown(selector).length > 0).length;
  const nameInput = query.nameInputs.find((selector) => shown(selector).length > 0);
  const input = nameInput === undefined ? null : shown(nameInput)[0];
  const buttons = shown('button, [role="button"]').slice(0, 300).map((el) => ({
    name: ((el as HTMLElement).innerText || el.getAttribute('aria-label') || '').trim(),
    enabled: !(el as HTMLButtonElement).disabled && el.getAttribute('aria-disabled') !== 'true',
  }));
  return {
    url: location.href,
    text: (document.body?.innerText ?? '').toLowerCase(),
    headings: shown('h1').map((el) => (el as HTMLElement).innerText.trim().toLowerCase()),
    buttons,
    labels: shown('[aria-label]').map((el) => el.getAttribute('aria-label') ?? ''),
    nameInput,
    nameValue: input instanceof HTMLInputElement ? input.value : '',
    inMeetingSignals: count(query.inMeetingSignals),
    callUiSignals: count(query.callUiSignals),
    lobbyElements: count(query.lobbyElements),
    dialogText: shown(query.dialogs).map((el) => (el as HTMLElement).innerText.toLowerCase()).join('\n'),
  };
}

/** Runs in the page (waitForFunction): is any of these texts visible? */
export function pageShowsAny(texts: readonly string[]): boolean {
  const body = (document.body?.innerText ?? '').toLowerCase();
  return texts.some((text) => body.includes(text.toLowerCase()));
}

/**
 * In the call: a signal the lobby never renders, backed by one more of either kind (one stray match is not
 * proof). Call UI alone is not enough however much of it shows: the lobby can render all of it.
 */
export function showsAdmission(signals: { inMeeting: number; callUi: number }): boolean {
  return signals.inMeeting >= 1 && signals.inMeeting + signals.callUi >= meetSelectors.admissionQuorum;
}

function admittedBy(s: PageSnapshot): boolean {
  return showsAdmission({ inMeeting: s.inMeetingSignals, callUi: s.callUiSignals });
}

/** The lobby's own copy or elements: evidence that outranks any call UI on the same page. */
function lobbyState(s: PageSnapshot): MeetState | undefined {
  if (s.lobbyElements > 0 || includesAny(s.text, meetTexts.lobby)) return { kind: 'waiting', reason: 'lobby' };
  if (includesAny(s.text, meetTexts.hostNotStarted)) return { kind: 'waiting', reason: 'host' };
  return undefined;
}

function visibleButton(snapshot: PageSnapshot, names: readonly string[]): { name: string; enabled: boolean } | undefined {
  for (const name of names) {
    const button = snapshot.buttons.find((candidate) => candidate.name === name);
    if (button !== undefined) return button;
  }
  return undefined;
}

function failed(endCode: EndCode, step: string, reason: string): MeetState {
  return { kind: 'failed', endCode, step, reason };
}

/** Terminal pages, most specific first. */
function terminalState(s: PageSnapshot): MeetState | undefined {
  const signInHeading = s.headings.some((h) => h.includes(meetTexts.signInHeading.toLowerCase()));
  if (s.url.startsWith(meetTexts.signInUrlPrefix) || (signInHeading && includesAny(s.text, [meetTexts.signInBody]))) {
    return failed('sign_in_required', 'open', 'Google sign-in wall');
  }
  if (includesAny(s.text, meetTexts.notFound)) return failed('meeting_not_found', 'open', 'meeting code rejected');
  const admitted = admittedBy(s);
  if (!admitted && includesAny(s.text, meetTexts.full)) return failed('meeting_full', 'join', 'the call is full');
  if (includesAny(s.text, meetTexts.blocked)) return failed('blocked_by_platform', 'join', 'Meet refused the bot');
  if (includesAny(s.text, meetTexts.denied)) return failed('admission_denied', 'lobby', 'request to join denied');
  if (includesAny(s.text, meetTexts.noResponse)) {
    return failed('waiting_room_timeout', 'lobby', 'Meet gave up: no one responded');
  }
  if (admitted) return undefined;
  if (includesAny(s.text, meetTexts.removed)) return failed('kicked', 'lobby', 'removed before admission settled');
  if (includesAny(s.text, meetTexts.ended)) return failed('meeting_ended', 'lobby', 'meeting ended while joining');
  return undefined;
}

/** Blocking dialogs in the order they are dismissed; each is matched by its button. */
function dialogState(s: PageSnapshot, exhausted: ReadonlySet<string>): MeetState | undefined {
  const usable = (button: { name: string; enabled: boolean } | undefined): button is { name: string; enabled: boolean } =>
    button !== undefined && button.enabled && !exhausted.has(button.name);
  for (const names of [meetButtons.deviceDialog, meetButtons.useWithoutAccount, meetButtons.gotIt]) {
    const button = visibleButton(s, names);
    if (usable(button)) return { kind: 'dialog', button: button.name };
  }
  // These notices' "Join now" equals a join CTA, so it only counts once the pre-join form is gone. Gemini's
  // notice counts only as a dialog; without a usable "Join now" it is ignored, neither blocking nor admitting.
  const notice = includesAny(s.text, meetTexts.recordingNotice) || includesAny(s.dialogText, meetTexts.geminiNotes);
  if (s.nameInput === undefined && notice) {
    const accept = visibleButton(s, meetButtons.recordingNoticeAccept);
    if (usable(accept)) return { kind: 'dialog', button: accept.name };
  }
  return undefined;
}

/** `exhausted` names dialog buttons already clicked too often (a dialog that will not go away). */
export function classify(s: PageSnapshot, exhausted: ReadonlySet<string> = new Set()): MeetState {
  const terminal = terminalState(s);
  if (terminal !== undefined) return terminal;
  const dialog = dialogState(s, exhausted);
  if (dialog !== undefined) return dialog;
  // Lobby evidence wins over call UI (Meet's lobby renders the call's controls) and over the pre-join form
  // (some builds keep the form visible while knocking).
  const waiting = lobbyState(s);
  if (waiting !== undefined) return waiting;
  if (admittedBy(s)) return { kind: 'admitted' };
  const joinButton = visibleButton(s, meetButtons.joinCta);
  if (s.nameInput !== undefined || joinButton !== undefined) return { kind: 'prejoin', joinButton };
  return { kind: 'unknown' };
}
