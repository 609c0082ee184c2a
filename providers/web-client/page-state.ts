import type { Page } from 'playwright-core';
import type { SubCode } from '../../src/sessions/session-error.js';
import type { EndCode } from '../../src/sessions/end-codes.js';
import type { WebClientUi } from './ui.js';
import { includesAny } from '../browser/presence.js';
import { secondStepReason } from './sign-in.js';

/** What one read of the page shows; the join loop decides on nothing else. */
export interface PageSnapshot {
  url: string;
  /** Visible text of the body, lower-cased. */
  text: string;
  /** Index into each selector list of the first visible match, or -1. */
  launcher: number;
  nameInput: number;
  nameValue: string;
  emailInput: number;
  mediaOn: number;
  noMedia: number;
  join: number;
  joinEnabled: boolean;
  signInLink: number;
  signedIn: boolean;
  admissionSignals: number;
  login: { email: number; password: number; submit: number; staySignedIn: boolean };
  passcode: { input: number; submit: number };
}

export type WebClientState =
  | { kind: 'failed'; endCode: EndCode; step: string; reason: string; subCode?: SubCode }
  /** A sign-in wall or CAPTCHA an authenticated bot can get past by signing in. */
  | { kind: 'wall'; endCode: 'blocked_by_captcha' | 'sign_in_required'; reason: string }
  | { kind: 'login' }
  /** The meeting asks for its passcode; `rejected`: the page says the one given (typed, or the link's) is wrong. */
  | { kind: 'passcode'; rejected: boolean }
  | { kind: 'admitted' }
  | { kind: 'no_media_prompt' }
  /** `not_started`: the meeting refuses the bot until it starts (the page must be opened again). */
  | { kind: 'waiting'; reason: 'lobby' | 'approval' | 'not_started' }
  | { kind: 'launcher' }
  | { kind: 'prejoin' }
  | { kind: 'unknown' };

interface SnapshotQuery {
  lists: Record<'launcher' | 'nameInput' | 'emailInput' | 'mediaOn' | 'noMedia' | 'join' | 'signInLink' | 'signedIn' | 'loginEmail' | 'loginPassword' | 'loginSubmit' | 'passcodeInput' | 'passcodeSubmit', readonly string[]>;
  admissionSignals: readonly string[];
  staySignedIn: readonly string[];
}

export function snapshotQuery(ui: WebClientUi): SnapshotQuery {
  return {
    lists: {
      launcher: ui.launcherButtons,
      nameInput: ui.nameInputs,
      emailInput: ui.emailInputs,
      mediaOn: ui.mediaOnToggles,
      noMedia: ui.noMediaButtons,
      join: ui.joinButtons,
      signInLink: ui.signInLinks,
      signedIn: ui.signedInMarkers,
      loginEmail: ui.login.emailInputs,
      loginPassword: ui.login.passwordInputs,
      loginSubmit: ui.login.submitButtons,
      passcodeInput: ui.passcode.inputs,
      passcodeSubmit: ui.passcode.submitButtons,
    },
    admissionSignals: ui.admissionSignals,
    staySignedIn: ui.login.staySignedIn.texts,
  };
}

/**
 * One evaluate per poll (a locator call per selector made a poll take seconds on a busy machine, long
 * enough to miss a short meeting's first moments). Returns undefined while the page navigates.
 */
export async function readSnapshot(page: Page, ui: WebClientUi): Promise<PageSnapshot | undefined> {
  try {
    return await page.evaluate(snapshotInPage, snapshotQuery(ui));
  } catch (error) {
    if (page.isClosed()) throw error;
    return undefined;
  }
}

/**
 * Runs in the page: keep it self-contained. Selectors are CSS, optionally ending in Playwright's
 * `:has-text("...")`, which is matched here as a case-insensitive substring of the element's text.
 */
function snapshotInPage(query: SnapshotQuery): PageSnapshot {
  const matches = (selector: string): Element[] => {
    const hasText = /^(.*):has-text\("(.*)"\)$/.exec(selector);
    const css = hasText?.[1] ?? selector;
    const needle = hasText?.[2]?.toLowerCase();
    return Array.from(document.querySelectorAll(css)).filter(
      (el) => el.checkVisibility() && (needle === undefined || (el as HTMLElement).innerText.toLowerCase().includes(needle)),
    );
  };
  const first = (selectors: readonly string[]): number => selectors.findIndex((selector) => matches(selector).length > 0);
  const element = (selectors: readonly string[], index: number): Element | undefined => (index < 0 ? undefined : matches(selectors[index] ?? '')[0]);
  const l = query.lists;
  const text = (document.body?.innerText ?? '').toLowerCase();
  const nameInput = first(l.nameInput);
  const join = first(l.join);
  const name = element(l.nameInput, nameInput);
  const joinButton = element(l.join, join);
  return {
    url: location.href,
    text,
    launcher: first(l.launcher),
    nameInput,
    nameValue: name instanceof HTMLInputElement ? name.value : '',
    emailInput: first(l.emailInput),
    mediaOn: first(l.mediaOn),
    noMedia: first(l.noMedia),
    join,
    joinEnabled: joinButton !== undefined && !(joinButton as HTMLButtonElement).disabled && joinButton.getAttribute('aria-disabled') !== 'true',
    signInLink: first(l.signInLink),
    signedIn: first(l.signedIn) >= 0,
    admissionSignals: query.admissionSignals.filter((selector) => matches(selector).length > 0).length,
    login: {
      email: first(l.loginEmail),
      password: first(l.loginPassword),
      submit: first(l.loginSubmit),
      staySignedIn: query.staySignedIn.some((t) => text.includes(t.toLowerCase())),
    },
    passcode: { input: first(l.passcodeInput), submit: first(l.passcodeSubmit) },
  };
}

function failed(endCode: EndCode, step: string, reason: string, subCode?: SubCode): WebClientState {
  return { kind: 'failed', endCode, step, reason, ...(subCode ? { subCode } : {}) };
}

/** The identity provider's answers to the bot account's sign-in, read on its own pages only. */
function signInRefusal(ui: WebClientUi, s: PageSnapshot): WebClientState | undefined {
  const login = ui.login;
  if (!login.hosts.includes(safeHost(s.url))) return undefined;
  if (includesAny(s.text, login.wrongPassword) || includesAny(s.text, login.unknownAccount)) {
    return failed('sign_in_failed', 'sign_in', 'the identity provider rejected the bot account', 'credentials_refused');
  }
  // After the right password: not the password's fault, and nothing the bot can answer.
  if (includesAny(s.text, login.secondStep.texts)) {
    return failed('sign_in_failed', 'sign_in', secondStepReason(login.secondStep.identityProvider, login.secondStep.advice), 'second_step_required');
  }
  return undefined;
}

/** Pages that end the join, most specific first. In-call signals outrank copy (a chat line is not an end). */
function terminalState(ui: WebClientUi, s: PageSnapshot): WebClientState | undefined {
  const t = ui.texts;
  if (s.admissionSignals >= ui.admissionQuorum) return undefined;
  if (includesAny(s.text, t.captcha)) return { kind: 'wall', endCode: 'blocked_by_captcha', reason: `${ui.name} asked for a CAPTCHA` };
  if (includesAny(s.text, t.signInRequired)) return { kind: 'wall', endCode: 'sign_in_required', reason: `${ui.name} only admits signed-in users` };
  const refusal = signInRefusal(ui, s);
  if (refusal !== undefined) return refusal;
  if (includesAny(s.text, t.notFound)) return failed('meeting_not_found', 'open', 'meeting link rejected');
  // Before `blocked`: a capacity page may also say the bot cannot join, and its own answer is the more specific one.
  if (includesAny(s.text, t.full)) return failed('meeting_full', 'join', `the ${ui.name} meeting is full`);
  if (includesAny(s.text, t.blocked)) return failed('blocked_by_platform', 'join', `${ui.name} could not connect the bot`);
  if (includesAny(s.text, t.denied)) return failed('admission_denied', 'lobby', 'request to join denied');
  if (includesAny(s.text, t.noResponse)) return failed('waiting_room_timeout', 'lobby', 'nobody responded to the request to join');
  if (includesAny(s.text, t.removed)) return failed('kicked', 'lobby', 'removed before admission settled');
  if (includesAny(s.text, t.ended)) return failed('meeting_ended', 'lobby', 'meeting ended while joining');
  return undefined;
}

export function classify(ui: WebClientUi, s: PageSnapshot): WebClientState {
  const terminal = terminalState(ui, s);
  if (terminal !== undefined) return terminal;
  if (s.admissionSignals < ui.admissionQuorum && includesAny(s.text, ui.texts.notStarted)) return { kind: 'waiting', reason: 'not_started' };
  const host = safeHost(s.url);
  if (ui.login.hosts.includes(host)) return { kind: 'login' };
  if (s.admissionSignals >= ui.admissionQuorum) return { kind: 'admitted' };
  if (s.noMedia >= 0) return { kind: 'no_media_prompt' };
  // Lobby copy wins over call controls: the lobby renders hang-up and mic toggles too.
  if (includesAny(s.text, ui.texts.approvalLobby)) return { kind: 'waiting', reason: 'approval' };
  if (includesAny(s.text, ui.texts.lobby)) return { kind: 'waiting', reason: 'lobby' };
  // Before the pre-join form: the prompt stands in front of it, and its button may read like a join button.
  const rejected = includesAny(s.text, ui.passcode.rejected);
  if (rejected || s.passcode.input >= 0 || includesAny(s.text, ui.passcode.prompt)) return { kind: 'passcode', rejected };
  if (s.launcher >= 0) return { kind: 'launcher' };
  if (s.join >= 0 || s.nameInput >= 0) return { kind: 'prejoin' };
  return { kind: 'unknown' };
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
