import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BrowserPool, type BotBrowser } from './pool.js';

const log = pino({ level: 'silent' });
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** 'crashed' when the promise resolved within `ms`, 'alive' otherwise. */
async function outcome(crashed: Promise<void>, ms: number): Promise<'crashed' | 'alive'> {
  let timer: NodeJS.Timeout | undefined;
  const alive = new Promise<'alive'>((resolve) => {
    timer = setTimeout(() => resolve('alive'), ms);
  });
  const result = await Promise.race([crashed.then(() => 'crashed' as const), alive]);
  clearTimeout(timer);
  return result;
}

async function pageWorks(bot: BotBrowser): Promise<boolean> {
  return (await bot.page.evaluate('1 + 1').catch(() => undefined)) === 2;
}

describe('BrowserPool', () => {
  let pool: BrowserPool | undefined;

  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('puts botsPerBrowser bots in one Chromium, in isolated contexts, and launches another for the next', async () => {
    pool = new BrowserPool({ chromiumPath, botsPerBrowser: 2, log });
    const [a, b, c] = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    if (!a || !b || !c) throw new Error('acquire returned nothing');
    expect(a.browserId).toBe(b.browserId);
    expect(c.browserId).not.toBe(a.browserId);
    expect(pool.browserPids(a.browserId)).toHaveLength(1);
    expect(pool.browserPids(c.browserId)).toHaveLength(1);
    expect(pool.browserPids()).toHaveLength(2);
    expect(a.context).not.toBe(b.context);
    expect(a.page.viewportSize()).toEqual({ width: 1280, height: 720 });

    await c.release();
    expect(pool.browserPids()).toHaveLength(1);
  });

  it('looks like a person\'s browser to the meeting page: no webdriver flag, no "HeadlessChrome", English', async () => {
    const server = createServer((_request, response) => response.end('<p>meeting</p>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      pool = new BrowserPool({ chromiumPath, botsPerBrowser: 1, log });
      const bot = await pool.acquire();
      // localhost is a secure context, where the client hints (userAgentData) exist, as on the providers' https pages.
      await bot.page.goto(`http://localhost:${(server.address() as AddressInfo).port}/`);
      const seen = await bot.page.evaluate(() => ({
        webdriver: navigator.webdriver,
        userAgent: navigator.userAgent,
        brands: (navigator as Navigator & { userAgentData?: { brands: Array<{ brand: string }> } }).userAgentData?.brands.map((b) => b.brand) ?? [],
        language: navigator.language,
      }));
      expect(seen.webdriver).toBe(false);
      expect(seen.userAgent).toMatch(/ Chrome\/\d+\.0\.0\.0 Safari\/537\.36$/);
      expect(`${seen.userAgent} ${seen.brands.join(' ')}`).not.toMatch(/headless/i);
      expect(seen.language).toBe('en-US');
    } finally {
      server.close();
    }
  });

  it('a killed Chromium ends its own bots only, and the next acquire launches a new one', async () => {
    pool = new BrowserPool({ chromiumPath, botsPerBrowser: 2, log });
    const a = await pool.acquire();
    const b = await pool.acquire();
    const other = await pool.acquire();
    const [pid] = pool.browserPids(a.browserId);
    if (pid === undefined) throw new Error('no pid for the bot browser');
    process.kill(pid, 'SIGKILL');

    expect(await outcome(a.crashed, 10_000)).toBe('crashed');
    expect(await outcome(b.crashed, 1_000)).toBe('crashed');
    expect(await outcome(other.crashed, 500)).toBe('alive');
    expect(await pageWorks(other)).toBe(true);

    const next = await pool.acquire();
    expect(next.browserId).not.toBe(a.browserId);
    expect(await pageWorks(next)).toBe(true);
    await Promise.all([a.release(), b.release()]);
  });

  it('a crashed page ends its own bot only', async () => {
    pool = new BrowserPool({ chromiumPath, botsPerBrowser: 2, log });
    const a = await pool.acquire();
    const b = await pool.acquire();
    expect(a.browserId).toBe(b.browserId);
    const cdp = await a.context.newCDPSession(a.page);
    // Chromium never answers Page.crash: the renderer is gone before it could.
    void cdp.send('Page.crash').catch(() => undefined);

    expect(await outcome(a.crashed, 10_000)).toBe('crashed');
    expect(await outcome(b.crashed, 500)).toBe('alive');
    expect(await pageWorks(b)).toBe(true);
    await a.release();
    expect(await pageWorks(b)).toBe(true);
  });

  it('release and close do not count as crashes', async () => {
    pool = new BrowserPool({ chromiumPath, botsPerBrowser: 1, log });
    const a = await pool.acquire();
    const b = await pool.acquire();
    await a.release();
    await pool.close();
    expect(await outcome(a.crashed, 300)).toBe('alive');
    expect(await outcome(b.crashed, 300)).toBe('alive');
    expect(pool.browserPids()).toEqual([]);
    await expect(pool.acquire()).rejects.toThrow(/closed/);
  });

  it('names CHROMIUM_PATH and the install command when Chromium is missing', async () => {
    pool = new BrowserPool({ chromiumPath: '/nonexistent/chromium', botsPerBrowser: 1, log });
    await expect(pool.acquire()).rejects.toThrow(/CHROMIUM_PATH=\/nonexistent\/chromium.*apt-get install chromium/);
    // The failed launch must not occupy a slot.
    await expect(pool.acquire()).rejects.toThrow(/CHROMIUM_PATH/);
  });
});
