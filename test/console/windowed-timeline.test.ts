import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { adminToken, api, startTestQuorum } from '../helpers/quorum.js';
import { plannedAhead } from '../helpers/long-lists.js';
import { consoleBrowser } from './fixtures.js';

const wait = { timeout: 30_000 };
const notes = 3_000;

interface Seen {
  url: URL;
  bytes: number;
}

/**
 * A session with 3,000 timeline events in the Session view: each live refresh downloads the first and newest
 * events only (the server windows the detail), and "Show 200 earlier" / "Show all" read the middle on demand.
 */
describe('ops console: the timeline windowed by the server', () => {
  let quorum: Quorum;
  let browser: Browser;
  let page: Page;
  let session: Session;
  const seen: Seen[] = [];
  const rows = '#timeline tbody tr[data-event-id]';
  const shownIds = () => page.locator(rows).evaluateAll((list) => list.map((row) => Number(row.getAttribute('data-event-id'))));
  const storedIds = async () => (await quorum.sessions.timeline(session.id)).map((event) => event.id);
  const details = () => seen.filter((s) => s.url.pathname === `/v1/sessions/${session.id}`);
  const pages = () => seen.filter((s) => s.url.pathname === `/v1/sessions/${session.id}/timeline`);

  beforeAll(async () => {
    quorum = await startTestQuorum();
    session = await plannedAhead(quorum, { code: 'lon-gmee-tng', title: 'A long meeting' });
    for (let i = 0; i < notes; i += 1) await quorum.sessions.note(session.id, 'participant_joined', { participant: `p-${i}` });
    ({ browser, page } = await consoleBrowser());
    await page.context().addInitScript((token) => sessionStorage.setItem('quorum.token', token), adminToken);
    page.on('response', (response: Response) => {
      const url = new URL(response.url());
      if (!url.pathname.startsWith(`/v1/sessions/${session.id}`)) return;
      void response.body().then(
        (body) => seen.push({ url, bytes: body.length }),
        () => undefined,
      );
    });
  });
  afterAll(async () => {
    await browser?.close();
    await quorum?.close();
  });

  it('downloads a small detail on every refresh, reads the middle on request, and still shows every event', async () => {
    const whole = JSON.stringify((await api(quorum, 'GET', `/v1/sessions/${session.id}`)).body).length;
    await page.goto(`${quorum.url}/console/#/sessions/${session.id}`);
    await page.locator('#timeline-more').waitFor(wait);
    const ids = await storedIds();
    expect(await shownIds()).toEqual([...ids.slice(0, 5), ...ids.slice(-100)]);
    expect(await page.locator('#timeline-window').textContent()).toBe('Showing 105 of 3,001 events: the first 5 and the newest 100.');

    // A live refresh: the new event comes in, and the detail read for it is the window again.
    await quorum.sessions.note(session.id, 'participant_left', { participant: 'p-7' });
    const latest = (await storedIds()).at(-1);
    await page.locator(`${rows}[data-event-id="${latest}"]`).waitFor(wait);
    await expect.poll(() => details().length, wait).toBeGreaterThanOrEqual(2);
    for (const detail of details()) {
      expect(detail.url.searchParams.get('events')).toBe('120');
      // The first 5 and the newest 120 of 3,001: a small fraction of the whole session's JSON.
      expect(detail.bytes).toBeLessThan(whole / 10);
    }
    expect(pages()).toEqual([]);

    await page.click('#timeline-more');
    await expect.poll(() => page.locator(rows).count(), wait).toBe(305);
    const now = await storedIds();
    expect(await shownIds()).toEqual([...now.slice(0, 5), ...now.slice(-300)]);
    expect(pages().length).toBeGreaterThan(0);

    await page.click('#timeline-all');
    await expect.poll(() => page.locator(rows).count(), wait).toBe(now.length);
    expect(await shownIds()).toEqual(now);
    expect(await page.locator('#timeline-window').textContent()).toBe(`Showing all ${now.length.toLocaleString('en-US')} events.`);
    // Paged in pages of at most 1,000 events, never the whole timeline at once.
    for (const read of pages()) expect(Number(read.url.searchParams.get('limit'))).toBeLessThanOrEqual(1000);
  });

  it('keeps "Show all" across a refresh that missed more events than its window holds, reading the hole between', async () => {
    const before = pages().length;
    // 300 events stored without a live announcement (more than the 120 a refresh reads), then one announced.
    const at = new Date().toISOString();
    const silent = Array.from({ length: 300 }, (_, n) => ({ session_id: session.id, attempt: 1, at, from_state: null, to_state: null, code: 'participant_joined', details: JSON.stringify({ n }) }));
    await quorum.store.db.insertInto('events').values(silent).execute();
    await quorum.sessions.note(session.id, 'participant_left', { participant: 'last' });
    const ids = await storedIds();
    await expect.poll(() => page.locator(rows).count(), wait).toBe(ids.length);
    expect(await shownIds()).toEqual(ids);
    expect(pages().slice(before).some((read) => read.url.searchParams.has('after') && read.url.searchParams.has('before'))).toBe(true);
    expect(details().at(-1)?.url.searchParams.get('events')).toBe('120');

    // "Show fewer" goes back to the window: the first 5 and the newest 100.
    await page.click('#timeline-fewer');
    await expect.poll(() => page.locator(rows).count(), wait).toBe(105);
    expect(await shownIds()).toEqual([...ids.slice(0, 5), ...ids.slice(-100)]);
  });
});
