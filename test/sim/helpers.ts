import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { baseChromiumArgs } from '../../providers/browser/flags.js';
import { startSimulator, type SimEventType, type Simulator } from './index.js';

export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** A bot-like browser: trusts the simulator only through the flags a real bot gets, no blanket cert bypass. */
export function launchBotBrowser(sim: Simulator): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [...baseChromiumArgs, ...sim.chromiumArgs()],
  });
}

/** One simulator and one bot-like browser for a test file, started before its tests and closed after. */
export function withSimulator(): { sim: () => Simulator; browser: () => Browser } {
  let sim: Simulator | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ chromiumPath });
    browser = await launchBotBrowser(sim);
  });
  afterAll(async () => {
    await browser?.close();
    await sim?.close();
  });
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started (use inside tests)`);
    return value;
  };
  return { sim: () => need(sim, 'the simulator'), browser: () => need(browser, 'the bot browser') };
}

/** What a Meet bot does on the pre-join page, with the selectors bots use (peer-bots.md §6.1). */
export async function askToJoin(page: Page, joinUrl: string, name = 'Quorum Notetaker', button = 'Ask to join'): Promise<void> {
  await page.goto(joinUrl);
  await page.locator('//button[.//span[text()="Continue without microphone and camera"]]').click();
  await page.locator('input[type="text"][aria-label="Your name"]').fill(name);
  await page.locator(`//button[.//span[text()="${button}"]]`).click();
}

export function eventTypes(sim: Simulator, id: string): SimEventType[] {
  return (sim.getMeeting(id)?.events ?? []).map((e) => e.type);
}

export async function waitForEvent(sim: Simulator, id: string, type: SimEventType, timeoutMs = 10_000): Promise<void> {
  await expect.poll(() => eventTypes(sim, id), { timeout: timeoutMs }).toContain(type);
}

/** The button Meet shows on every terminal screen. */
export const returnHome = '//button[.//span[text()="Return to home screen"]]';
