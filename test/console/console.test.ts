import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { adminToken, api, startTestQuorum } from '../helpers/quorum.js';
import { recordSimulated, waitForEnd, waitForState } from '../helpers/sessions.js';
import { consoleBrowser, screenshots, seedConsoleFixtures, trackSockets } from './fixtures.js';

const wait = { timeout: 60_000 };

/** The ops console in a real Chromium against a running Quorum with the simulator: what an operator sees and does. */
describe('ops console', () => {
  let quorum: Quorum;
  let browser: Browser;
  let page: Page;
  /** Fails in the lobby (nobody admits it before the short waiting-room timeout): the Retry scenario. */
  let lobbyFailure: Promise<{ session: Session; meetingId: string }>;

  beforeAll(async () => {
    quorum = await startTestQuorum({ QUORUM_SIMULATE: true, QUORUM_WAITING_ROOM_TIMEOUT_SECONDS: 5, QUORUM_CONCURRENCY: 6 });
    await seedConsoleFixtures(quorum);
    lobbyFailure = recordSimulated(quorum, { lobby: { outcome: 'hold', afterMs: 0 }, participants: [{ name: 'Ada' }] }).then(async (r) => {
      await waitForEnd(quorum, r.session.id);
      return r;
    });
    ({ browser, page } = await consoleBrowser());
  });
  afterAll(async () => {
    await browser?.close();
    await quorum?.close();
  });

  async function open(hash: string) {
    await page.goto(`${quorum.url}/console/${hash}`);
  }

  it('refuses a wrong token, then signs in', async () => {
    await open('');
    await page.fill('#token', 'not-the-token');
    await page.click('#login-form button[type=submit]');
    await page.locator('#login-error', { hasText: 'refused' }).waitFor(wait);
    await page.fill('#token', adminToken);
    await page.click('#login-form button[type=submit]');
    await page.locator('h1', { hasText: 'Sessions' }).waitFor(wait);
  });

  it('shows a new session appear and change state live, then streams its log and stops it', async () => {
    await open('#/sessions');
    await page.locator('#sessions-body tr').first().waitFor(wait);
    const { session, meetingId } = await recordSimulated(quorum, { lobby: { outcome: 'hold', afterMs: 0 }, participants: [{ name: 'Ada' }] });
    const row = page.locator(`tr[data-session-id="${session.id}"]`);
    await row.waitFor(wait);
    // No reload: the row's state follows the WebSocket until the bot waits in the lobby.
    await row.locator('[data-state="waiting_room"]').waitFor(wait);
    await page.screenshot({ path: `${screenshots}console-sessions.png` });

    await row.locator('a').click();
    await page.locator('#session-state [data-state="waiting_room"]').waitFor(wait);
    await page.locator('#log-lines li').first().waitFor(wait);
    quorum.simulator?.act(meetingId, { type: 'admit' });
    // Written after the page opened its log socket: it can only have arrived live.
    await page.locator('#log-lines li', { hasText: 'recording started' }).first().waitFor(wait);
    await page.locator('#session-state [data-state="recording"]').waitFor(wait);
    await page.screenshot({ path: `${screenshots}console-session-live.png`, fullPage: true });

    await page.click('#stop');
    await page.fill('#action-reason', 'wrong meeting, stop the bot');
    await page.click('#action-confirm');
    await page.locator('#session-end-code', { hasText: 'stopped_by_operator' }).waitFor(wait);
    expect(await waitForEnd(quorum, session.id)).toMatchObject({ state: 'done', endCode: 'stopped_by_operator' });
    await page.locator('#timeline tr[data-code="stop_requested"]', { hasText: 'wrong meeting, stop the bot' }).waitFor(wait);
  });

  it('retries a failed session from its page: the new attempt records and plays back', async () => {
    const { session, meetingId } = await lobbyFailure;
    expect((await quorum.sessions.get(session.id))?.endCode).toBe('waiting_room_timeout');
    await open(`#/sessions/${session.id}`);
    await page.locator('#session-end-code', { hasText: 'waiting_room_timeout' }).waitFor(wait);
    // The failure evidence the adapter saved when it gave up on the lobby.
    await page.locator('.evidence img').first().waitFor(wait);
    await page.locator('.evidence a', { hasText: 'Saved page HTML' }).first().waitFor(wait);
    expect(await page.locator('#stop').isDisabled()).toBe(true);

    await page.click('#retry');
    // Cancel first: nothing happens without confirmation.
    await page.click('#action-dialog button[value=cancel]');
    expect((await quorum.sessions.get(session.id))?.attempt).toBe(1);
    await page.click('#retry');
    await page.fill('#action-reason', 'the host is in the meeting now');
    await page.click('#action-confirm');
    await page.locator('#action-status', { hasText: 'Retry accepted' }).waitFor(wait);
    await waitForState(quorum, session.id, 'waiting_room', 2);
    quorum.simulator?.act(meetingId, { type: 'admit' });
    await page.locator('#session-state [data-state="recording"]').waitFor(wait);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    quorum.simulator?.act(meetingId, { type: 'end' });
    expect(await waitForEnd(quorum, session.id)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 2 });
    await page.locator('#session-end-code', { hasText: 'meeting_ended' }).waitFor(wait);
    const audio = page.locator('.evidence audio');
    await audio.waitFor(wait);
    // The player can load the recording: the browser fetched it and read a duration from the WebM.
    await page.waitForFunction(() => (document.querySelector('.evidence audio') as HTMLAudioElement | null)?.readyState !== 0, undefined, wait);
    await page.locator('#timeline tr[data-code="operator_retry"]', { hasText: 'the host is in the meeting now' }).waitFor(wait);
    await page.locator('#attempts tbody tr').nth(1).waitFor(wait);
    await page.screenshot({ path: `${screenshots}console-session-retried.png`, fullPage: true });
  });

  it('filters by search, state, end code, provider, company and time range', async () => {
    const rows = () => page.locator('#sessions-body tr[data-session-id]');
    const titles = async () => (await rows().locator('td:first-child a').allTextContents()).sort();
    // Polled: the view a hash change asks for replaces the one on screen a moment later, not at once.
    const shows = (expected: string[]) => expect.poll(titles, { timeout: wait.timeout }).toEqual(expected);
    await open('#/sessions?q=quarterly');
    await shows(['Quarterly planning', 'Quarterly review']);

    await open('#/sessions');
    await page.selectOption('#filter-state', 'failed');
    await page.selectOption('#filter-endCode', 'blocked_by_captcha');
    await page.click('form.filters button[type=submit]');
    await page.waitForFunction(() => location.hash.includes('endCode=blocked_by_captcha'));
    await shows(['Customer call (captcha)']);

    await open('#/sessions?provider=teams');
    await shows(['Customer call (captcha)', 'Quarterly review']);

    await open('#/sessions?companyId=globex');
    await shows(['Globex standup']);
    await page.locator('[data-count-state="all"]', { hasText: 'all: 1' }).waitFor(wait);

    await open(`#/sessions?from=${encodeURIComponent('2099-01-01T00:00')}`);
    await page.locator('#sessions-body td', { hasText: 'No sessions match' }).waitFor(wait);
  });

  it('shows the Decision with every check, passed or failed, in the rule\'s words', async () => {
    const [session] = await quorum.sessions.list({ q: 'Quarterly review' });
    await open(`#/sessions/${session?.id ?? 'missing'}`);
    const failed = page.locator('#decision tr[data-rule="requester_lacks_manual_permission"]');
    await failed.locator('.fail').waitFor(wait);
    expect(await failed.locator('blockquote').textContent()).toContain('Manually schedule & upload');
    await page.locator('#decision tr[data-rule="conference_link_missing"] .pass').waitFor(wait);
    expect(await page.locator('#decision').textContent()).toContain('Not eligible');
    await page.locator('#decision').screenshot({ path: `${screenshots}console-decision.png` });
  });

  it('pages with a keyset cursor through the API the table uses', async () => {
    const first = await api<{ sessions: Session[]; nextCursor: string }>(quorum, 'GET', '/v1/sessions?limit=2');
    const second = await api<{ sessions: Session[] }>(quorum, 'GET', `/v1/sessions?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.sessions).toHaveLength(2);
    const ids = [...first.body.sessions, ...second.body.sessions].map((s) => s.id);
    expect(new Set(ids).size).toBe(4);
  });

  it('shows the overview charts, provider status and company settings (secrets hidden)', async () => {
    await open('#/overview');
    await page.locator('#charts svg[role=img]').nth(3).waitFor(wait);
    expect(await page.locator('#chart-failures-desc').textContent()).toContain('waiting_room_timeout');
    await page.screenshot({ path: `${screenshots}console-overview.png`, fullPage: true });

    await open('#/providers');
    const acme = page.locator('section[data-company-id="acme"]');
    await acme.locator('tr[data-provider="teams"]', { hasText: 'bot_account_missing' }).waitFor(wait);
    await page.screenshot({ path: `${screenshots}console-providers.png`, fullPage: true });

    await open('#/companies');
    await page.locator('section[data-company-id="acme"] td', { hasText: 'ops@acme.example' }).waitFor(wait);
    // No endpoint set: said, not an empty table (test/console/webhooks-and-marks.test.ts has some).
    expect(await page.locator('section[data-company-id="acme"] .webhooks-none').textContent()).toBe('No webhooks.');
    expect(await page.content()).not.toContain('zoom-client-secret-value');
    await page.screenshot({ path: `${screenshots}console-companies.png`, fullPage: true });
  });

  it('closes the live feed of a view the operator left before it finished loading', async () => {
    const tab = await browser.newPage();
    try {
      await trackSockets(tab, adminToken);
      // A slow sessions page: the view has opened its feed and still waits for its rows when the operator moves on.
      await tab.route(/\/v1\/sessions\?/, async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await request.continue().catch(() => undefined);
      });
      await tab.goto(`${quorum.url}/console/#/sessions`);
      await tab.locator('h1', { hasText: 'Sessions' }).waitFor(wait);
      await tab.evaluate(() => (location.hash = '#/companies'));
      await tab.locator('h1', { hasText: 'Companies' }).waitFor(wait);
      const sockets = () => tab.evaluate(() => (window as unknown as { opened: WebSocket[] }).opened.map((socket) => socket.readyState));
      expect(await sockets()).toHaveLength(1);
      // Once the sessions page has answered, the view it belonged to closes its feed instead of keeping it open.
      await expect.poll(sockets, wait).toEqual([3]); // WebSocket.CLOSED
      expect(await tab.locator('#live-status').textContent()).toBe('');
    } finally {
      await tab.close();
    }
  });

  it('keeps the data behind the token: /console/api and the live socket refuse requests without one', async () => {
    expect((await fetch(`${quorum.url}/console/api/companies`)).status).toBe(401);
    expect((await fetch(`${quorum.url}/console/`)).status).toBe(200);
    const unauthorized = await api(quorum, 'GET', '/console/api/stats', undefined, 'wrong');
    expect(unauthorized.status).toBe(401);
  });
});
