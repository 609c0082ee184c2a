import { chromium } from 'playwright-core';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startSimulator } from '../../test/sim/index.js';
import type { Simulator } from '../../test/sim/index.js';
import { baseChromiumArgs } from './flags.js';

/** Test support for adapter tests: the Chromium bots drive. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * One simulator and one bot browser for a test file, started before its tests and closed after them. A context
 * the test opens with `newContext` is closed after its test, so no bot outlives the test that joined it.
 */
export function simulatorBrowser(): { sim: () => Simulator; newContext: () => Promise<BrowserContext> } {
  let sim: Simulator | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    sim = await startSimulator({ chromiumPath });
    browser = await chromium.launch({ executablePath: chromiumPath, args: [...baseChromiumArgs, ...sim.chromiumArgs()] });
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await sim?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the simulator and browser are not started');
    return value;
  };
  return {
    sim: () => started(sim),
    newContext: async () => {
      const context = await started(browser).newContext();
      contexts.push(context);
      return context;
    },
  };
}
