import { randomUUID } from 'node:crypto';
import { constants, readFileSync, readdirSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Logger } from 'pino';
import { baseChromiumArgs, botChromiumArgs, botUserAgent } from './flags.js';

export interface BrowserPoolOptions {
  chromiumPath: string;
  /** Bots sharing one Chromium process; each still gets its own isolated context. */
  botsPerBrowser: number;
  extraArgs?: readonly string[];
  /** The simulator serves a self-signed certificate. */
  ignoreHttpsErrors?: boolean;
  log: Logger;
}

export interface AcquireOptions {
  /** Runs on the new context before its page opens (init scripts, bindings). */
  prepare?: (context: BrowserContext) => Promise<void>;
}

export interface BotBrowser {
  context: BrowserContext;
  page: Page;
  /** The marker id of the Chromium process this bot runs in (see `BrowserPool.browserPids`). */
  browserId: string;
  /** Resolves if this bot's page crashes or its Chromium goes away unexpectedly; never rejects. */
  crashed: Promise<void>;
  /** Closes the bot's context; the last bot of a Chromium closes it. Never throws. */
  release(): Promise<void>;
}

interface PooledBrowser {
  id: string;
  launched: Promise<Browser>;
  /** Bots holding (or about to hold) a slot, counted from the moment `acquire` picks this browser. */
  bots: number;
  /** Set before the pool closes it on purpose, so that disconnect is not taken for a crash. */
  closing: boolean;
  crashed: Promise<void>;
  markCrashed(): void;
}

const markerFlag = '--quorum-browser=';

export class BrowserPool {
  private readonly options: BrowserPoolOptions;
  private readonly browsers: PooledBrowser[] = [];
  private closed = false;

  constructor(options: BrowserPoolOptions) {
    if (!Number.isInteger(options.botsPerBrowser) || options.botsPerBrowser < 1) {
      throw new Error(`botsPerBrowser must be a positive integer, got ${options.botsPerBrowser}`);
    }
    this.options = options;
  }

  async acquire(acquireOptions: AcquireOptions = {}): Promise<BotBrowser> {
    if (this.closed) throw new Error('browser pool is closed');
    const entry = this.reserveSlot();
    let context: BrowserContext | undefined;
    try {
      const browser = await entry.launched;
      context = await browser.newContext({
        permissions: [],
        ignoreHTTPSErrors: this.options.ignoreHttpsErrors ?? false,
        viewport: { width: 1280, height: 720 },
        userAgent: botUserAgent(browser.version()),
        // The adapters' page strings are English: the meeting client must speak it whatever the machine's locale.
        locale: 'en-US',
      });
      await acquireOptions.prepare?.(context);
      const page = await context.newPage();
      return this.botOf(entry, context, page);
    } catch (error) {
      await context?.close().catch(() => undefined);
      await this.releaseSlot(entry);
      throw error;
    }
  }

  /** Main Chromium process ids (not renderers or helpers) of this pool, or of one browser. */
  browserPids(browserId?: string): number[] {
    const wanted = new Set(browserId === undefined ? this.browsers.map((entry) => entry.id) : [browserId]);
    const pids: number[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      let args: string[];
      try {
        args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      } catch {
        continue; // the process ended while we looked
      }
      const marker = args.find((arg) => arg.startsWith(markerFlag));
      if (!marker || !wanted.has(marker.slice(markerFlag.length))) continue;
      if (args.some((arg) => arg.startsWith('--type='))) continue;
      pids.push(Number(name));
    }
    return pids;
  }

  async close(): Promise<void> {
    this.closed = true;
    const entries = this.browsers.splice(0);
    await Promise.all(entries.map((entry) => this.closeBrowser(entry)));
  }

  private reserveSlot(): PooledBrowser {
    let entry = this.browsers.find((candidate) => candidate.bots < this.options.botsPerBrowser);
    if (!entry) {
      entry = this.launch();
      this.browsers.push(entry);
    }
    entry.bots += 1;
    return entry;
  }

  private launch(): PooledBrowser {
    const id = randomUUID();
    let markCrashed = (): void => undefined;
    const crashed = new Promise<void>((resolve) => {
      markCrashed = resolve;
    });
    const entry: PooledBrowser = {
      id,
      bots: 0,
      closing: false,
      crashed,
      markCrashed,
      launched: this.startChromium(id, () => this.onDisconnected(entry)),
    };
    // Launch failures surface through acquire; this only keeps them from being reported as unhandled.
    entry.launched.catch(() => undefined);
    return entry;
  }

  private async startChromium(id: string, onDisconnected: () => void): Promise<Browser> {
    const { chromiumPath, extraArgs = [], log } = this.options;
    try {
      await access(chromiumPath, constants.X_OK);
    } catch {
      throw new Error(
        `Chromium not found or not executable at CHROMIUM_PATH=${chromiumPath}; ` +
          'install it with `apt-get install chromium` or set CHROMIUM_PATH to its executable',
      );
    }
    const started = Date.now();
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      // Quorum's own shutdown ends its bots (they leave, recordings are kept); Playwright's handlers would kill the
      // browsers first and exit the process, so every bot would end browser_crashed.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: [...baseChromiumArgs, ...botChromiumArgs, ...extraArgs, `${markerFlag}${id}`],
    });
    browser.on('disconnected', onDisconnected);
    log.info({ browserId: id, ms: Date.now() - started }, 'chromium launched');
    return browser;
  }

  private onDisconnected(entry: PooledBrowser): void {
    this.forget(entry);
    if (entry.closing) return;
    this.options.log.error({ browserId: entry.id, bots: entry.bots }, 'chromium disconnected unexpectedly');
    entry.markCrashed();
  }

  private botOf(entry: PooledBrowser, context: BrowserContext, page: Page): BotBrowser {
    const pageCrashed = new Promise<void>((resolve) => {
      page.once('crash', () => {
        this.options.log.error({ browserId: entry.id }, 'bot page crashed');
        resolve();
      });
    });
    let released: Promise<void> | undefined;
    return {
      context,
      page,
      browserId: entry.id,
      crashed: Promise.race([entry.crashed, pageCrashed]),
      release: () => {
        released ??= (async () => {
          await context.close().catch(() => undefined);
          await this.releaseSlot(entry);
        })();
        return released;
      },
    };
  }

  private async releaseSlot(entry: PooledBrowser): Promise<void> {
    entry.bots -= 1;
    if (entry.bots > 0) return;
    // Forget it before closing so a concurrent acquire cannot pick a browser that is going away.
    this.forget(entry);
    await this.closeBrowser(entry);
  }

  private forget(entry: PooledBrowser): void {
    const index = this.browsers.indexOf(entry);
    if (index >= 0) this.browsers.splice(index, 1);
  }

  private async closeBrowser(entry: PooledBrowser): Promise<void> {
    entry.closing = true;
    const browser = await entry.launched.catch(() => undefined);
    await browser?.close().catch(() => undefined);
  }
}
