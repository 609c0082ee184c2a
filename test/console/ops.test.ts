import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../src/bus.js';
import { startQuorum, type Quorum } from '../../src/main.js';
import { SessionStore } from '../../src/sessions/session-store.js';
import { openSqliteStore } from '../../src/store/database.js';
import { adminToken, api, testConfig } from '../helpers/quorum.js';
import { consoleBrowser, seedConsoleFixtures, trackSockets } from './fixtures.js';

const wait = { timeout: 30_000 };

/** Sessions planned far ahead (never dispatched): rows for the console, no bot. */
function plan(sessions: SessionStore, companyId: string, title: string, extra: { startsAt?: Date; meetingUrl?: string } = {}) {
  const now = Date.now();
  return sessions.create({
    companyId,
    provider: 'meet',
    plan: 'bot',
    meetingUrl: extra.meetingUrl ?? `https://meet.google.com/${encodeURIComponent(title)}`,
    title,
    startsAt: extra.startsAt ?? new Date(now + 86_400_000),
    endsAt: new Date((extra.startsAt?.getTime() ?? now + 86_400_000) + 3_600_000),
    joinAt: new Date(now + 30 * 86_400_000),
  });
}

/** What an operator trips over in the console: places kept, times with their zone, results said, restarts survived. */
describe('ops console: an operator day', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'quorum-console-ops-'));
  let quorum: Quorum;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const start = (port = 0) => startQuorum(testConfig({ QUORUM_DATA_DIR: dataDir, QUORUM_HTTP_PORT: port }));

  beforeAll(async () => {
    quorum = await start();
    await seedConsoleFixtures(quorum);
    for (let i = 0; i < 53; i += 1) await plan(quorum.sessions, 'acme', `Paged ${String(i).padStart(2, '0')}`);
    ({ browser } = await consoleBrowser());
    // A zone far from UTC, with a half hour: a time shown in UTC, or without its zone, cannot pass for it.
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'Asia/Kolkata', locale: 'en-US' });
    await context.addInitScript((token) => sessionStorage.setItem('quorum.token', token), adminToken);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await quorum?.close();
  });

  const open = (hash: string) => page.goto(`${quorum.url}/console/${hash}`);
  const rows = () => page.locator('#sessions-body tr[data-session-id]');
  const firstTitle = () => rows().first().locator('td:first-child a').textContent();

  it('keeps the page of a long list across a reload, Newer, and back/forward', async () => {
    await open('#/sessions?q=Paged');
    await expect.poll(() => rows().count(), wait).toBe(50);
    const newest = await firstTitle();
    await page.click('#older');
    await expect.poll(() => rows().count(), wait).toBe(3);
    expect(page.url()).toMatch(/cursor=.*page=2/);
    const older = await firstTitle();
    await page.reload();
    await expect.poll(() => rows().count(), wait).toBe(3);
    expect(await page.locator('#page-number').textContent()).toBe('page 2');
    expect(await firstTitle()).toBe(older);
    await page.click('#newer');
    await expect.poll(() => rows().count(), wait).toBe(50);
    expect(await firstTitle()).toBe(newest);
    await page.goBack();
    await expect.poll(() => rows().count(), wait).toBe(3);
    // The session's "All sessions" link returns to the same filtered page.
    await rows().first().locator('a').click();
    await page.locator('#session-state').waitFor(wait);
    await page.click('text=← All sessions');
    await expect.poll(() => rows().count(), wait).toBe(3);
    expect(page.url()).toContain('q=Paged');
  });

  it('leaves out what the API would refuse from a link (an unknown end code, a made-up cursor), and says so', async () => {
    const asked: string[] = [];
    const onRequest = (request: { url(): string }) => void (request.url().includes('/v1/sessions?') && asked.push(request.url()));
    page.on('request', onRequest);
    try {
      await open('#/sessions?q=Paged&endCode=no_such_code&cursor=not-a-cursor&page=4');
      await expect.poll(() => rows().count(), wait).toBe(50);
      expect(await page.locator('#sessions-link-ignored').textContent()).toBe(
        'Left out of this link: the end code “no_such_code”, which Quorum does not know; a page position this list did not give out (this is the newest page).',
      );
      expect(await page.locator('#page-number').textContent()).toBe('page 1');
      expect(await page.locator('#view-error').count()).toBe(0);
      expect(asked.length).toBeGreaterThan(0);
      for (const url of asked) expect(url).not.toMatch(/no_such_code|not-a-cursor/);
      // A real end code and a cursor the list gave out go through unchanged.
      const { nextCursor } = (await api<{ nextCursor: string }>(quorum, 'GET', '/v1/sessions?q=Paged&limit=50')).body;
      await open(`#/sessions?q=Paged&cursor=${encodeURIComponent(nextCursor)}&page=2`);
      await expect.poll(() => rows().count(), wait).toBe(3);
      expect(await page.locator('#sessions-link-ignored').count()).toBe(0);
      expect(asked.at(-1)).toContain(`cursor=${encodeURIComponent(nextCursor)}`);
    } finally {
      page.off('request', onRequest);
    }
  });

  it('shows every time in the browser\'s zone and names it, the log lines too', async () => {
    const session = await plan(quorum.sessions, 'acme', 'Zone check', { startsAt: new Date('2030-01-02T03:04:05Z') });
    quorum.logger.child({ sessionId: session.id, companyId: 'acme', attempt: 1 }).info('zone check line');
    await open(`#/sessions/${session.id}`);
    // 03:04:05 UTC is 08:34:05 in Kolkata (UTC+5:30).
    const starts = page.locator('dl.facts dd', { hasText: '2030' }).first();
    await expect.poll(() => starts.textContent(), wait).toMatch(/08:34:05.*GMT\+5:30/);
    const line = page.locator('#log-lines li', { hasText: 'zone check line' });
    await line.waitFor(wait);
    const stored = await api<{ lines: { at: string }[] }>(quorum, 'GET', `/v1/sessions/${session.id}/logs`);
    const at = stored.body.lines[0]?.at ?? '';
    const kolkata = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(at));
    expect(await line.textContent()).toMatch(new RegExp(`^${kolkata}\\.\\d{3} `));
    // Chromium's ICU names the zone by its older alias.
    await page.locator('.log-controls', { hasText: /times in Asia\/(Kolkata|Calcutta)/ }).waitFor(wait);
  });

  it('wraps long titles, URLs and reasons instead of widening the page', async () => {
    const word = 'Unbroken'.repeat(50);
    const session = await plan(quorum.sessions, 'acme', `Long ${word}`, { meetingUrl: `https://meet.google.com/abc-defg-hij?x=${word}` });
    await quorum.sessions.transition(session.id, 'cancelled', { code: 'stop_requested', endCode: 'stopped_by_operator', details: { reason: word } });
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
    await open('#/sessions?q=Unbroken');
    await expect.poll(() => rows().count(), wait).toBe(1);
    expect(await fits()).toBe(true);
    await open(`#/sessions/${session.id}`);
    await page.locator('#timeline tr[data-code="stop_requested"]').waitFor(wait);
    expect(await fits()).toBe(true);
  });

  it('stops a session by keyboard alone, says the result, keeps playback across live changes, and says when Quorum did not answer', async () => {
    const session = await plan(quorum.sessions, 'acme', 'Keyboard stop');
    const shot = join(dataDir, 'shot.png');
    writeFileSync(shot, Buffer.from('89504e470d0a1a0a', 'hex'));
    await quorum.artifacts.add({ sessionId: session.id, attempt: 1, kind: 'screenshot', path: shot });
    await open(`#/sessions/${session.id}`);
    await page.locator('#session-state [data-state="scheduled"]').waitFor(wait);
    // A session with no log lines yet says so instead of showing an empty box.
    await page.locator('#log-empty').waitFor(wait);
    await page.evaluate(() => ((document.querySelector('.evidence figure') as HTMLElement).dataset.mark = 'kept'));
    await page.focus('#stop');
    await page.keyboard.press('Enter');
    await page.locator('#action-reason').waitFor(wait);
    await page.keyboard.type('planned by mistake');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('#action-status', { hasText: 'Stop accepted' }).waitFor(wait);
    await page.locator('#session-state [data-state="cancelled"]').waitFor(wait);
    // The live re-render kept the result, the focus on it, and the evidence nodes (a playing recording goes on).
    await page.locator('#timeline tr[data-code="stop_requested"]').waitFor(wait);
    expect(await page.locator('#action-status').textContent()).toContain('Stop accepted');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('action-status');
    expect(await page.locator('.evidence figure[data-mark="kept"]').count()).toBe(1);

    const other = await plan(quorum.sessions, 'acme', 'Unanswered stop');
    await open(`#/sessions/${other.id}`);
    await page.route('**/stop', (route) => route.abort());
    await page.click('#stop');
    await page.fill('#action-reason', 'while the server restarts');
    await page.click('#action-confirm');
    await page.locator('#action-status', { hasText: 'Stop not confirmed: Quorum did not answer' }).waitFor(wait);
    await page.unroute('**/stop');
  });

  it('offers a company token its own company only, and a refused view leaves no feed reconnecting', async () => {
    const token = (await api<{ token: string }>(quorum, 'POST', '/v1/companies/acme/tokens', { name: 'ops' })).body.token;
    const tab = await context.newPage();
    try {
      await trackSockets(tab, token);
      await tab.goto(`${quorum.url}/console/#/overview`);
      await tab.locator('#charts svg').first().waitFor(wait);
      expect(await tab.locator('#company-picker').count()).toBe(0);
      await tab.evaluate(() => (location.hash = '#/sessions'));
      await tab.locator('#sessions-body tr[data-session-id]').first().waitFor(wait);
      expect(await tab.locator('#filter-companyId').count()).toBe(0);
      // Another company's list is refused: the view says so, and its feed (also refused) is closed for good.
      await tab.evaluate(() => (location.hash = '#/sessions?companyId=globex'));
      await tab.locator('#view-error', { hasText: 'another company' }).waitFor(wait);
      const sockets = () => tab.evaluate(() => (window as unknown as { opened: WebSocket[] }).opened.map((s) => s.readyState));
      await expect.poll(async () => (await sockets()).every((state) => state === 3), wait).toBe(true);
      const count = (await sockets()).length;
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(await sockets()).toHaveLength(count);
    } finally {
      await tab.close();
    }
  });

  it('says when the API went away, and catches up on what changed once it is back', async () => {
    await open('#/sessions?companyId=globex');
    await page.locator('#live-status', { hasText: 'connected' }).waitFor(wait);
    const port = Number(new URL(quorum.url).port);
    await quorum.close();
    await page.locator('#live-status', { hasText: 'connection lost' }).waitFor(wait);
    // Changed while nothing was listening: no live message will ever carry it.
    const store = await openSqliteStore(dataDir);
    await plan(new SessionStore(store.db, createMemoryBus()), 'globex', 'Planned while down');
    await store.close();
    quorum = await start(port);
    await page.locator('#sessions-body td', { hasText: 'Planned while down' }).waitFor(wait);
    await page.locator('#live-status', { hasText: 'connected' }).waitFor(wait);
  });

  it('asks to sign in again when Quorum comes back with another admin token, instead of retrying for ever', async () => {
    await page.locator('#live-status', { hasText: 'connected' }).waitFor(wait);
    const port = Number(new URL(quorum.url).port);
    await quorum.close();
    await page.locator('#live-status', { hasText: 'connection lost' }).waitFor(wait);
    quorum = await startQuorum(testConfig({ QUORUM_DATA_DIR: dataDir, QUORUM_HTTP_PORT: port, QUORUM_ADMIN_TOKEN: 'another-admin-token-0123456789' }));
    await page.locator('#login-error', { hasText: 'That token was refused' }).waitFor(wait);
    expect(await page.locator('#token').count()).toBe(1);
  });
});
