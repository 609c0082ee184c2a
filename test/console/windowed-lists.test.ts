import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CountedChoice } from '../../src/consent/service.js';
import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { plannedAhead, retried, seedChoices } from '../helpers/long-lists.js';
import { adminToken, startTestQuorum } from '../helpers/quorum.js';
import { consoleBrowser } from './fixtures.js';

const wait = { timeout: 30_000 };
const retries = 150;
const participants = 400;

interface Seen {
  url: URL;
  body: { attempts?: unknown[]; consentChoices?: unknown[] };
}

/**
 * A session retried 150 times whose meeting had 400 consent choices, in the Session view: each live refresh
 * downloads the first and newest attempts and choices only (the server windows them as it does the timeline),
 * and "Show N earlier" / "Show all" read the rest on demand.
 */
describe('ops console: attempts and consent choices windowed by the server', () => {
  let quorum: Quorum;
  let browser: Browser;
  let page: Page;
  let session: Session;
  const seen: Seen[] = [];
  const attemptRows = '#attempts tbody tr[data-attempt]';
  const choiceRows = '#consent-choices tbody tr[data-choice-id]';
  const shown = (rows: string, attribute: string) => page.locator(rows).evaluateAll((list, name) => list.map((row) => row.getAttribute(name)), attribute);
  const storedAttempts = async () => (await quorum.sessions.attempts(session.id)).map((attempt) => String(attempt.number));
  const cursor = (choice: CountedChoice) => `${choice.at}|${choice.id}`;
  const storedChoices = async () =>
    (await quorum.consent.service.countedFor(session))
      .sort((a, b) => (cursor(a) < cursor(b) ? -1 : 1))
      .map((choice) => choice.id);
  const requests = (suffix: string) => seen.filter((s) => s.url.pathname === `/v1/sessions/${session.id}${suffix}`);

  beforeAll(async () => {
    quorum = await startTestQuorum();
    session = await plannedAhead(quorum, { code: 'ret-ried-oft', title: 'Retried often' });
    await retried(quorum.sessions, session.id, retries);
    await seedChoices(quorum, session, participants, 2);
    ({ browser, page } = await consoleBrowser());
    await page.context().addInitScript((token) => sessionStorage.setItem('quorum.token', token), adminToken);
    page.on('response', (response: Response) => {
      const url = new URL(response.url());
      if (!url.pathname.startsWith(`/v1/sessions/${session.id}`)) return;
      void response.json().then(
        (body: Seen['body']) => seen.push({ url, body }),
        () => undefined,
      );
    });
  });
  afterAll(async () => {
    await browser?.close();
    await quorum?.close();
  });

  it('downloads the first and newest attempts, reads the earlier ones on request, and keeps them across a retry', async () => {
    await page.goto(`${quorum.url}/console/#/sessions/${session.id}`);
    await page.locator('#attempts-more').waitFor(wait);
    const numbers = await storedAttempts();
    expect(await shown(attemptRows, 'data-attempt')).toEqual([...numbers.slice(0, 1), ...numbers.slice(-20)]);
    expect(await page.locator('#attempts-window').textContent()).toBe('Showing 21 of 151 attempts: the first 1 and the newest 20.');
    expect(await page.locator('#attempts-more').textContent()).toBe('Show 100 earlier attempts');
    await expect.poll(() => requests('').length, wait).toBeGreaterThan(0);
    const [first] = requests('');
    expect([first?.url.searchParams.get('attempts'), first?.url.searchParams.get('choices')]).toEqual(['40', '120']);
    expect(first?.body.attempts).toHaveLength(41);
    expect(requests('/attempts')).toEqual([]);

    await page.click('#attempts-more');
    await expect.poll(() => page.locator(attemptRows).count(), wait).toBe(121);
    expect(await shown(attemptRows, 'data-attempt')).toEqual([...numbers.slice(0, 1), ...numbers.slice(-120)]);
    await expect.poll(() => requests('/attempts').length, wait).toBeGreaterThan(0);

    // An operator retries: the new attempt comes in below what was revealed.
    await quorum.sessions.transition(session.id, 'scheduled', { code: 'operator_retry', attemptReason: 'operator retry from the test' });
    await page.locator(`${attemptRows}[data-attempt="152"]`).waitFor(wait);
    expect(await page.locator(attemptRows).count()).toBe(122);
    for (const detail of requests('')) expect(detail.body.attempts?.length).toBeLessThanOrEqual(41);

    await page.click('#attempts-all');
    await expect.poll(() => page.locator(attemptRows).count(), wait).toBe(152);
    expect(await shown(attemptRows, 'data-attempt')).toEqual(await storedAttempts());
    expect(await page.locator('#attempts-window').textContent()).toBe('Showing all 152 attempts.');
    await page.click('#attempts-fewer');
    await expect.poll(() => page.locator(attemptRows).count(), wait).toBe(21);
  });

  it('shows the first and newest consent choices with the count of every choice, and the rest on request', async () => {
    const ids = await storedChoices();
    await page.locator('#consent-choices-more').waitFor(wait);
    expect(await shown(choiceRows, 'data-choice-id')).toEqual([...ids.slice(0, 5), ...ids.slice(-100)]);
    expect(await page.locator('#consent-choices-window').textContent()).toBe('Showing 105 of 400 choices: the first 5 and the newest 100.');
    // Every decline counts, downloaded or not: the summary says how many there are.
    expect(await page.locator('#consent-summary').textContent()).toBe('400 participants chose: 392 record, 8 no record.');
    for (const detail of requests('')) expect(detail.body.consentChoices?.length).toBeLessThanOrEqual(125);

    await page.click('#consent-choices-more');
    await expect.poll(() => page.locator(choiceRows).count(), wait).toBe(305);
    expect(await shown(choiceRows, 'data-choice-id')).toEqual([...ids.slice(0, 5), ...ids.slice(-300)]);
    // The cursors (`<at>|<id>`) travel encoded and page on by time, two clicks a millisecond included.
    await expect.poll(() => requests('/consent-choices').length, wait).toBeGreaterThan(0);
    expect(requests('/consent-choices').every((read) => read.url.searchParams.get('before')?.includes('|'))).toBe(true);

    await page.click('#consent-choices-all');
    await expect.poll(() => page.locator(choiceRows).count(), wait).toBe(participants);
    expect(await shown(choiceRows, 'data-choice-id')).toEqual(ids);
    expect(await page.locator('#consent-choices-window').textContent()).toBe('Showing all 400 choices.');
    for (const read of requests('/consent-choices')) expect(Number(read.url.searchParams.get('limit'))).toBeLessThanOrEqual(1000);
  });
});
