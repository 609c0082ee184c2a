import { setTimeout as delay } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import type { Logger } from 'pino';
import type { EndCode } from '../../src/sessions/end-codes.js';
import type { InMeeting } from '../types.js';

/** What a provider knows about its call page once the bot is in: how to read it, count, and leave. */
export interface CallPage {
  /** For the log line that ends the presence, e.g. `meet`. */
  name: string;
  /** One cheap read of the page: an end verdict, or undefined to look again (it may also tidy the page). */
  poll(): Promise<[EndCode, string] | undefined>;
  participantCount(): Promise<number | undefined>;
  /** Clicks the provider's leave control and waits for its confirmation, best effort. */
  leave(): Promise<void>;
}

const watchEveryMs = 1_000;

/**
 * The bot's presence in a meeting: polls the call page once a second until the provider's verdict, the page
 * closing or crashing, or the bot leaving; settles once with the end code and logs why.
 */
export function watchCallPage(page: Page, log: Logger, call: CallPage): InMeeting {
  const polling = new AbortController();
  let settle: (code: EndCode) => void = () => undefined;
  const ended = new Promise<EndCode>((resolve) => {
    settle = resolve;
  });
  let settled = false;
  const finish = (code: EndCode, why: string): void => {
    polling.abort();
    if (settled) return;
    settled = true;
    page.off('close', onClose);
    page.off('crash', onCrash);
    log.info({ endCode: code }, `${call.name} presence over: ${why}`);
    settle(code);
  };
  const onClose = (): void => finish('meeting_ended', 'page closed');
  const onCrash = (): void => finish('browser_crashed', 'page crashed');
  page.on('close', onClose);
  page.on('crash', onCrash);
  void poll(page, call, polling.signal, finish);
  return {
    ended,
    participantCount: () => call.participantCount(),
    leave: async () => {
      // Stop polling first so a poll neither clicks dialogs nor races the leave.
      polling.abort();
      await call.leave();
      finish('meeting_ended', 'the bot left');
    },
  };
}

async function poll(page: Page, call: CallPage, signal: AbortSignal, finish: (code: EndCode, why: string) => void): Promise<void> {
  while (!signal.aborted && !page.isClosed()) {
    const verdict = await call.poll();
    if (signal.aborted) return;
    if (verdict !== undefined) return finish(verdict[0], verdict[1]);
    await delay(watchEveryMs, undefined, { signal }).catch(() => undefined);
  }
}

/** Live provider copy uses the typographic apostrophe (’) in places; peers keep both spellings. */
export function withApostropheVariants(texts: readonly string[]): readonly string[] {
  const all = texts.flatMap((text) => (text.includes("'") ? [text, text.replaceAll("'", '\u2019')] : [text]));
  return [...new Set(all)];
}

/** Case-insensitive: does lowercased page text contain any of the provider's strings? */
export function includesAny(text: string, needles: readonly string[]): boolean {
  return needles.some((needle) => text.includes(needle.toLowerCase()));
}
