import type { Page } from 'playwright-core';
import type { Logger } from 'pino';
import type { EndCode } from '../../src/sessions/end-codes.js';
import { includesAny, watchCallPage } from '../browser/presence.js';
import type { InMeeting } from '../types.js';
import type { WebClientUi } from './ui.js';

const leaveTimeoutMs = 3_000;
/** At most one click on the People button this often: a panel still rendering must not be toggled shut. */
const peopleClickEveryMs = 5_000;
const panelRenderMs = 2_000;

interface Reading {
  text: string;
  inCall: boolean;
}

/**
 * Watches an admitted bot's page once a second. End copy counts only once the call controls are gone,
 * so a chat message that says "meeting ended" cannot end the session.
 */
export function watchWebClient(page: Page, log: Logger, ui: WebClientUi, botName?: string): InMeeting {
  const roster = rosterOpener(page, ui, log);
  const presence = watchCallPage(page, log, {
    name: ui.name,
    poll: async () => {
      const reading = await read(page, ui);
      return reading === undefined ? undefined : endVerdict(ui, reading);
    },
    participantCount: () => countParticipants(page, ui),
    leave: async () => {
      // One mouse per page: a People click in flight would interleave with the hang-up click and cancel both.
      await roster.stop();
      await leaveCall(page, ui, log);
    },
  });
  if (botName === undefined) return presence;
  // Once right after admission, so the first roster read finds the panel open.
  void roster.open();
  return {
    ...presence,
    participantNames: async () => {
      await roster.open();
      return readParticipantNames(page, ui, botName);
    },
  };
}

export interface RosterOpener {
  /** Opens the panel unless its roster is in the page already; best effort, never throws. */
  open(): Promise<void>;
  /** No more opening: waits for one in flight (the bot is leaving). */
  stop(): Promise<void>;
}

/**
 * Opens the People panel when its roster is not in the page (never opened, or closed since); the roster always
 * lists the bot, so no rows means a closed panel. Calls share one opening, so two reads cannot toggle it shut.
 * Best effort, never throws: without the panel the names are unknown and the count comes from the button.
 */
export function rosterOpener(page: Page, ui: WebClientUi, log: Logger): RosterOpener {
  let clickedAt = 0;
  let stopped = false;
  let opening: Promise<void> | undefined;
  const open = async (): Promise<void> => {
    try {
      if ((await page.locator(ui.rosterItems).count()) > 0 || Date.now() - clickedAt < peopleClickEveryMs) return;
      for (const selector of ui.peopleButtons) {
        const button = page.locator(selector).first();
        if (stopped || !(await button.isVisible())) continue;
        clickedAt = Date.now();
        await button.click({ timeout: leaveTimeoutMs });
        await page.locator(ui.rosterItems).first().waitFor({ state: 'attached', timeout: panelRenderMs });
        log.debug('opened the people panel');
        return;
      }
    } catch (error) {
      log.debug({ err: error }, 'could not open the people panel');
    }
  };
  return {
    open() {
      if (stopped) return Promise.resolve();
      opening ??= open().finally(() => {
        opening = undefined;
      });
      return opening;
    },
    async stop() {
      stopped = true;
      await opening;
    },
  };
}

async function read(page: Page, ui: WebClientUi): Promise<Reading | undefined> {
  try {
    return await page.evaluate(({ signals, quorum }) => {
      const present = signals.filter((selector) => document.querySelector(selector)?.checkVisibility() === true);
      return { text: (document.body?.innerText ?? '').toLowerCase(), inCall: present.length >= quorum };
    }, { signals: ui.admissionSignals, quorum: ui.admissionQuorum });
  } catch {
    // Navigation replaced the context, or the page closed (the close handler settles that).
    return undefined;
  }
}

export function endVerdict(ui: WebClientUi, reading: Reading): [EndCode, string] | undefined {
  if (reading.inCall) return undefined;
  if (includesAny(reading.text, ui.texts.removed)) return ['kicked', 'removed from the meeting'];
  if (includesAny(reading.text, ui.texts.ended)) return ['meeting_ended', 'the meeting ended'];
  if (includesAny(reading.text, ui.texts.left)) return ['meeting_ended', 'the page shows the bot left'];
  return undefined;
}

/** The roster button's number counts the bot; the roster list is the fallback. */
export async function countParticipants(page: Page, ui: WebClientUi): Promise<number | undefined> {
  try {
    const counter = page.locator(ui.participantCount).first();
    if (await counter.isVisible()) {
      const label = `${(await counter.getAttribute('aria-label')) ?? ''} ${await counter.innerText({ timeout: 1_000 })}`;
      const n = /(\d+)/.exec(label)?.[1];
      if (n !== undefined) return Math.max(0, Number(n) - 1);
    }
    const items = await page.locator(ui.rosterItems).count();
    return items === 0 ? undefined : items - 1;
  } catch {
    return undefined;
  }
}

/**
 * The roster's names without the bot's own entry, which the roster lists too (the count subtracts it). The bot is
 * the first entry named like it, allowing a suffix such as "(Guest)"; a roster without it cannot be read.
 */
export async function readParticipantNames(page: Page, ui: WebClientUi, botName: string): Promise<string[] | undefined> {
  try {
    const names = await page.locator(ui.rosterItems).evaluateAll((items, nameSelectors) => items.map((item) => {
      for (const selector of nameSelectors) {
        const el = item.querySelector(selector);
        const name = (el?.getAttribute('title') ?? el?.textContent ?? '').trim();
        if (name !== '') return name;
      }
      return (item.getAttribute('aria-label') ?? item.textContent ?? '').trim();
    }), ui.rosterItemNames ?? []);
    return withoutSelf(names, botName);
  } catch {
    return undefined;
  }
}

export function withoutSelf(names: string[], botName: string): string[] | undefined {
  const self = botName.trim().toLowerCase();
  const at = names.findIndex((name) => {
    const lower = name.toLowerCase();
    return lower === self || lower.startsWith(`${self} (`);
  });
  return at === -1 ? undefined : names.filter((_, i) => i !== at);
}

async function leaveCall(page: Page, ui: WebClientUi, log: Logger): Promise<void> {
  for (const selector of ui.leaveButtons) {
    try {
      const button = page.locator(selector).first();
      if (!(await button.isVisible())) continue;
      await button.click({ timeout: leaveTimeoutMs });
      await page.waitForFunction((texts) => {
        const body = (document.body?.innerText ?? '').toLowerCase();
        return texts.some((t) => body.includes(t.toLowerCase()));
      }, ui.texts.left, { timeout: leaveTimeoutMs }).catch(() => undefined);
      return;
    } catch (error) {
      log.debug({ err: error }, 'leave did not confirm');
    }
  }
}
