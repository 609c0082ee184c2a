import type { Page } from 'playwright-core';
import type { Logger } from 'pino';
import type { EndCode } from '../../src/sessions/end-codes.js';
import { includesAny, watchCallPage } from '../browser/presence.js';
import type { InMeeting } from '../types.js';
import { pageShowsAny, showsAdmission } from './page-state.js';
import { meetButtons, meetHomePaths, meetSelectors, meetTexts } from './selectors.js';

const leaveTimeoutMs = 3_000;
const leftTimeoutMs = 5_000;

interface MeetingReading {
  url: string;
  text: string;
  inCall: boolean;
}

/**
 * Watches an admitted bot's page with one cheap read a second. End texts count only once the call UI is
 * gone, so a chat message saying "call ended" cannot end the session (Vexa #600: benign UI evicted bots).
 */
export function watchMeeting(page: Page, log: Logger): InMeeting {
  const presence = watchCallPage(page, log, {
    name: 'meet',
    poll: async () => {
      const reading = await readMeeting(page);
      if (reading === undefined) return undefined;
      const verdict = endVerdict(reading);
      if (verdict === undefined) await dismissDialogs(page, reading);
      return verdict;
    },
    participantCount: () => countParticipants(page),
    leave: () => leaveCall(page, log),
  });
  return { ...presence, participantNames: () => readParticipantNames(page) };
}

async function readMeeting(page: Page): Promise<MeetingReading | undefined> {
  const query = { inMeeting: meetSelectors.inMeetingSignals, callUi: meetSelectors.callUiSignals };
  try {
    const read = await page.evaluate(({ inMeeting, callUi }) => {
      const count = (selectors: readonly string[]): number =>
        selectors.filter((selector) => document.querySelector(selector)?.checkVisibility() === true).length;
      return {
        url: location.href,
        text: (document.body?.innerText ?? '').toLowerCase(),
        signals: { inMeeting: count(inMeeting), callUi: count(callUi) },
      };
    }, query);
    return { url: read.url, text: read.text, inCall: showsAdmission(read.signals) };
  } catch {
    // Navigation replaced the context, or the page closed (the close handler settles that).
    return undefined;
  }
}

export function endVerdict(reading: MeetingReading): [EndCode, string] | undefined {
  if (reading.inCall) return undefined;
  if (includesAny(reading.text, meetTexts.removed)) return ['kicked', 'removed from the meeting'];
  if (includesAny(reading.text, meetTexts.ended)) return ['meeting_ended', 'the meeting ended'];
  if (includesAny(reading.text, meetTexts.left)) return ['meeting_ended', 'Meet shows the bot left'];
  const url = new URL(reading.url);
  if (url.hostname === 'meet.google.com' && meetHomePaths.includes(url.pathname)) {
    return ['meeting_ended', 'back on the Meet home screen'];
  }
  return undefined;
}

/**
 * The recording notice, Gemini's notes notice and "Got it" can appear any time after admission; all block the call
 * UI. A "taking notes" banner without its "Join now" is left alone (the button is clicked only when visible).
 */
async function dismissDialogs(page: Page, reading: MeetingReading): Promise<void> {
  const names = new Set<string>();
  const notice = includesAny(reading.text, meetTexts.recordingNotice) || includesAny(reading.text, meetTexts.geminiNotes);
  if (notice) meetButtons.recordingNoticeAccept.forEach((name) => names.add(name));
  if (includesAny(reading.text, meetButtons.gotIt)) meetButtons.gotIt.forEach((name) => names.add(name));
  for (const name of names) {
    const button = page.getByRole('button', { name, exact: true }).first();
    try {
      if (await button.isVisible()) await button.click({ timeout: leaveTimeoutMs });
    } catch {
      // The dialog went away on its own; the next poll looks again.
    }
  }
}

/** "People - 3 joined" includes the bot; tiles are deduplicated by participant id. */
export async function countParticipants(page: Page): Promise<number | undefined> {
  const query = {
    people: meetSelectors.peopleButton,
    tile: meetSelectors.participantTile,
    selfAttribute: meetSelectors.selfTileAttribute,
  };
  try {
    const count = await page.evaluate(({ people, tile, selfAttribute }) => {
      const label = document.querySelector(people)?.getAttribute('aria-label') ?? '';
      const joined = /^People - (\d+)/.exec(label)?.[1];
      if (joined !== undefined) return Math.max(0, Number(joined) - 1);
      const tiles = Array.from(document.querySelectorAll(tile));
      if (tiles.length === 0) return null;
      const self = new Set(tiles.filter((t) => t.hasAttribute(selfAttribute)).map((t) => t.getAttribute('data-participant-id')));
      const others = new Set(tiles.map((t) => t.getAttribute('data-participant-id')).filter((id) => !self.has(id)));
      return others.size;
    }, query);
    return count ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The other participants' names from their tiles (one per participant id; a presentation adds a tile with the same
 * id). Tiles without a readable name are skipped: the watch counts participants it cannot name as people.
 */
export async function readParticipantNames(page: Page): Promise<string[] | undefined> {
  const query = { tile: meetSelectors.participantTile, selfAttribute: meetSelectors.selfTileAttribute, nameSelector: meetSelectors.tileName };
  try {
    const names = await page.evaluate(({ tile, selfAttribute, nameSelector }) => {
      const tiles = Array.from(document.querySelectorAll(tile));
      if (tiles.length === 0) return null;
      const self = new Set(tiles.filter((t) => t.hasAttribute(selfAttribute)).map((t) => t.getAttribute('data-participant-id')));
      const byId = new Map<string, string>();
      for (const t of tiles) {
        const id = t.getAttribute('data-participant-id') ?? '';
        const name = t.querySelector(nameSelector)?.textContent?.trim() ?? '';
        if (!self.has(id) && name !== '' && !byId.has(id)) byId.set(id, name);
      }
      const others = new Set(tiles.map((t) => t.getAttribute('data-participant-id')).filter((id) => !self.has(id)));
      return others.size > 0 && byId.size === 0 ? null : [...byId.values()];
    }, query);
    return names ?? undefined;
  } catch {
    return undefined;
  }
}

async function leaveCall(page: Page, log: Logger): Promise<void> {
  try {
    const button = page.locator(meetSelectors.leaveCall).first();
    if (!(await button.isVisible())) return;
    await button.click({ timeout: leaveTimeoutMs });
    await page.waitForFunction(pageShowsAny, meetTexts.left, { timeout: leftTimeoutMs });
  } catch (error) {
    log.debug({ err: error }, 'meet leave did not confirm');
  }
}
