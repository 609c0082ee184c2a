import type { Logger } from 'pino';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { baseChromiumArgs, hostResolverRules } from '../../../providers/browser/flags.js';
import type { ParticipantPages, Room } from './room.js';

export interface ParticipantBrowserOptions {
  chromiumPath: string;
  hosts: readonly string[];
  /** Read at launch: the HTTPS server's port is known only once it listens. */
  httpsPort: () => number;
  log: Logger;
}

/**
 * The simulator's own headless Chromium: one page per speaking participant (or open microphone), each sending
 * generated speech (or silence) to the bot over WebRTC. Launched on first use, since most meetings never admit a bot.
 */
export class ParticipantBrowser implements ParticipantPages {
  private browser: Promise<Browser> | undefined;
  private readonly pages = new Map<string, Promise<BrowserContext | undefined>>();
  private closed = false;

  constructor(private readonly options: ParticipantBrowserOptions) {}

  open(room: Room, name: string, options?: { silent: boolean }): void {
    const key = `${room.id}\n${name}`;
    if (this.pages.has(key) || this.closed) return;
    // The participant joins on the meeting's own host: the socket finds the room by host and code.
    const url = new URL('/_sim/participant', room.joinUrl);
    url.searchParams.set('meeting', room.code);
    url.searchParams.set('name', name);
    if (options?.silent) url.searchParams.set('silent', '1');
    this.pages.set(key, this.openPage(url.href, name));
  }

  close(room: Room, name: string): void {
    const key = `${room.id}\n${name}`;
    const context = this.pages.get(key);
    this.pages.delete(key);
    void context?.then((c) => c?.close()).catch(() => undefined);
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    const contexts = [...this.pages.values()];
    this.pages.clear();
    await Promise.allSettled(contexts.map(async (c) => (await c)?.close()));
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await browser.then((b) => b.close()).catch(() => undefined);
  }

  private async openPage(url: string, name: string): Promise<BrowserContext | undefined> {
    try {
      // A context per participant, so each is its own client with its own audio stack.
      const context = await (await this.launch()).newContext();
      const page: Page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') this.options.log.warn({ participant: name, text: m.text() }, 'participant page');
      });
      await page.goto(url);
      return context;
    } catch (error) {
      if (!this.closed) this.options.log.warn({ err: error, participant: name }, 'participant page failed');
      return undefined;
    }
  }

  private launch(): Promise<Browser> {
    this.browser ??= chromium.launch({
      executablePath: this.options.chromiumPath,
      headless: true,
      // The simulator closes its participants itself when its process shuts down.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: [
        ...baseChromiumArgs,
        hostResolverRules(this.options.hosts, this.options.httpsPort()),
        '--ignore-certificate-errors',
        // Participants are background pages; throttled timers would starve the speech scheduler.
        '--disable-background-timer-throttling',
        '--disable-renderer-backgrounding',
      ],
    });
    return this.browser;
  }
}
