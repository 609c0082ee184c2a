import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { seedChoices } from '../helpers/long-lists.js';
import { adminToken, startTestQuorum } from '../helpers/quorum.js';
import { consoleBrowser } from './fixtures.js';

const wait = { timeout: 30_000 };
const notes = 3_000;
const participants = 300;

/** A session planned far ahead (never dispatched): a page for the console, no bot. */
function plan(quorum: Quorum, title: string, meetingUrl: string): Promise<Session> {
  const now = Date.now();
  return quorum.sessions.create({
    companyId: 'default',
    provider: 'meet',
    plan: 'bot',
    meetingUrl,
    title,
    startsAt: new Date(now + 86_400_000),
    endsAt: new Date(now + 90_000_000),
    joinAt: new Date(now + 30 * 86_400_000),
  });
}

/** A chatty bot's 3,000-event timeline and a big meeting's consent choices: what the Session view shows of them. */
describe('ops console: long timelines and consent lists', () => {
  let quorum: Quorum;
  let browser: Browser;
  let page: Page;
  let chatty: Session;
  let allHands: Session;

  beforeAll(async () => {
    quorum = await startTestQuorum();
    chatty = await plan(quorum, 'Chatty bot', 'https://meet.google.com/aaa-bbbb-ccc');
    // A bot that retried and logged much: notes are what a running bot adds to its timeline.
    for (let i = 0; i < notes; i += 1) await quorum.sessions.note(chatty.id, 'bot_note', { n: i });
    allHands = await plan(quorum, 'All hands', 'https://meet.google.com/ddd-eeee-fff');
    await seedChoices(quorum, allHands, participants);
    ({ browser, page } = await consoleBrowser());
    await page.context().addInitScript((token) => sessionStorage.setItem('quorum.token', token), adminToken);
  });
  afterAll(async () => {
    await browser?.close();
    await quorum?.close();
  });

  const open = (id: string) => page.goto(`${quorum.url}/console/#/sessions/${id}`);
  const shownIds = (selector: string, attribute: string) => page.locator(selector).evaluateAll((rows, name) => rows.map((row) => row.getAttribute(name)), attribute);
  const focused = () => page.evaluate(() => document.activeElement?.id);
  const count = (n: number) => n.toLocaleString('en-US');

  it('shows the first events and the newest hundred in order, says how many are hidden, shows more, and keeps that across live updates', async () => {
    const timeline = await quorum.sessions.timeline(chatty.id);
    const ids = timeline.map((event) => String(event.id));
    const rows = '#timeline tbody tr[data-event-id]';
    await open(chatty.id);
    await page.locator('#timeline-more').waitFor(wait);
    expect(await shownIds(rows, 'data-event-id')).toEqual([...ids.slice(0, 5), ...ids.slice(-100)]);
    const hidden = ids.length - 105;
    expect(await page.locator('#timeline-gap').textContent()).toContain(`${count(hidden)} earlier events hidden`);
    expect(await page.locator('#timeline-window').textContent()).toBe(`Showing 105 of ${count(ids.length)} events: the first 5 and the newest 100.`);
    expect(await page.locator('#timeline-more').textContent()).toBe('Show 200 earlier events');
    expect(await page.locator('#timeline-all').textContent()).toBe(`Show all ${count(ids.length)} events`);

    // By keyboard: the button keeps the focus, so it can be pressed again.
    await page.focus('#timeline-more');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(rows).count(), wait).toBe(305);
    expect(await shownIds(rows, 'data-event-id')).toEqual([...ids.slice(0, 5), ...ids.slice(-300)]);
    expect(await page.locator('#timeline-gap').textContent()).toContain(`${count(hidden - 200)} earlier events hidden`);
    expect(await focused()).toBe('timeline-more');

    // A live update renders the view again: what the operator revealed stays, the new event comes in below it.
    await quorum.sessions.note(chatty.id, 'bot_note', { n: 'live' });
    const latest = (await quorum.sessions.timeline(chatty.id)).at(-1);
    await page.locator(`${rows}[data-event-id="${latest?.id}"]`).waitFor(wait);
    expect(await page.locator(rows).count()).toBe(306);
    expect(await page.locator('#timeline-gap').textContent()).toContain(`${count(hidden - 200)} earlier events hidden`);
    expect(await focused()).toBe('timeline-more');

    await page.click('#timeline-all');
    await expect.poll(() => page.locator(rows).count(), wait).toBe(ids.length + 1);
    expect(await page.locator('#timeline-window').textContent()).toBe(`Showing all ${count(ids.length + 1)} events.`);
    expect(await focused()).toBe('timeline-fewer');
    await page.click('#timeline-fewer');
    await expect.poll(() => page.locator(rows).count(), wait).toBe(105);
    expect(await focused()).toBe('timeline-more');
  });

  it('shows a big meeting\'s consent choices the same way, with the count of each choice', async () => {
    const rows = '#consent-choices tbody tr[data-choice-id]';
    await open(allHands.id);
    await page.locator('#consent-choices-more').waitFor(wait);
    expect(await page.locator(rows).count()).toBe(105);
    expect(await page.locator('#consent-choices-gap').textContent()).toContain(`${participants - 105} earlier choices hidden`);
    // Every decline counts, shown or not: the summary says how many there are.
    const declines = Array.from({ length: participants }, (_, i) => i).filter((i) => i % 50 === 7).length;
    expect(await page.locator('#consent-summary').textContent()).toBe(`${participants} participants chose: ${participants - declines} record, ${declines} no record.`);
    await page.click('#consent-choices-all');
    await expect.poll(() => page.locator(rows).count(), wait).toBe(participants);
  });

  it('refreshes a session whose timeline never stops changing (a debounce waited for a pause that never came)', async () => {
    const busy = await plan(quorum, 'Busy bot', 'https://meet.google.com/ggg-hhhh-iii');
    await open(busy.id);
    await page.locator('#timeline').waitFor(wait);
    let writing = true;
    // A note every 100 ms, for as long as the test needs: faster than any refresh delay.
    const stream = (async () => {
      for (let n = 0; writing; n += 1) {
        await quorum.sessions.note(busy.id, 'bot_note', { n });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await quorum.sessions.note(busy.id, 'operator_mark', { why: 'must show while notes keep coming' });
      const marked = (await quorum.sessions.timeline(busy.id)).find((event) => event.code === 'operator_mark');
      await page.locator(`#timeline tbody tr[data-event-id="${marked?.id}"]`).waitFor({ timeout: 8_000 });
    } finally {
      writing = false;
      await stream;
    }
  });
});
