import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseChromiumArgs } from '../../providers/browser/flags.js';
import type { Quorum } from '../../src/main.js';
import { api, startTestQuorum } from '../helpers/quorum.js';
import { chromiumPath } from '../sim/helpers.js';
import { choose, createLink, type CreatedConsentLink } from './helpers.js';

const screenshots = new URL('../../docs/screenshots/', import.meta.url).pathname;

/** The consent page as participants use it, in a real Chromium that follows the redirect to the (simulated) meeting. */
describe('consent page', () => {
  let quorum: Quorum;
  let browser: Browser;
  let joinUrl: string;
  let link: CreatedConsentLink;
  beforeAll(async () => {
    quorum = await startTestQuorum({ QUORUM_SIMULATE: true });
    const sim = quorum.simulator;
    if (!sim) throw new Error('simulator not started');
    joinUrl = (await sim.createMeeting('meet', { access: 'open' })).joinUrl;
    await quorum.companies.put({ id: 'default', name: 'Acme Corp', assistantAddress: 'assistant@quorum.local', settings: { botName: 'Acme Notes' } });
    link = await createLink(quorum, { type: 'static', user: 'jane@acme.example', conferenceUrl: joinUrl });
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: [...baseChromiumArgs, ...sim.chromiumArgs()] });
    mkdirSync(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await quorum?.close();
  });

  it('shows the company, the recording notice and both choices; the language switch translates it', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${quorum.url}${link.path}`);
    await expect.poll(() => page.title()).toBe('Join Acme Corp’s meeting');
    expect(await page.getByText('This meeting will be recorded by Acme Corp’s assistant.').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Join', exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Join but don’t record' }).isVisible()).toBe(true);
    await page.screenshot({ path: `${screenshots}consent-en.png`, fullPage: true });

    await page.getByRole('navigation', { name: 'Language' }).getByRole('link', { name: 'Deutsch' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.getByRole('button', { name: 'Teilnehmen, aber nicht aufzeichnen' }).isVisible()).toBe(true);
    expect(await page.getByText('Dieses Meeting wird vom Assistenten von Acme Corp aufgezeichnet.').isVisible()).toBe(true);
    await page.screenshot({ path: `${screenshots}consent-de.png`, fullPage: true });
    await context.close();
  });

  it('speaks the browser’s language from Accept-Language and fits a phone screen', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${quorum.url}${link.path}`);
    const noRecord = page.getByRole('button', { name: 'Rejoindre sans enregistrer' });
    expect(await noRecord.isVisible()).toBe(true);
    // One column: nothing scrolls sideways, and the buttons are large touch targets.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const box = await noRecord.boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(44);
    expect(box?.width).toBeGreaterThan(300);
    await page.screenshot({ path: `${screenshots}consent-phone-fr.png`, fullPage: true });
    await context.close();
  });

  it('works with the keyboard alone: Tab to "Join", Enter, and the browser lands on the stored meeting link', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${quorum.url}${link.path}`);
    for (let i = 0; i < 5; i += 1) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent)) === 'Join') break;
    }
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Join');
    await Promise.all([page.waitForURL(joinUrl), page.keyboard.press('Enter')]);
    expect(page.url()).toBe(joinUrl);
    await context.close();
  });

  it('"Join but don’t record" records the choice and also lands on the stored link; a second click by the same browser is not counted', async () => {
    const context = await browser.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    await page.goto(`${quorum.url}${link.path}?next=https://evil.example/`);
    await Promise.all([page.waitForURL(joinUrl), page.getByRole('button', { name: 'Unirse sin grabar' }).click()]);
    expect(page.url()).toBe(joinUrl);
    await page.goto(`${quorum.url}${link.path}`);
    await Promise.all([page.waitForURL(joinUrl), page.getByRole('button', { name: 'Unirse', exact: true }).click()]);
    const listed = await api<{ links: Array<{ id: string; choices: { record: number; no_record: number } }> }>(quorum, 'GET', '/v1/companies/default/consent-links?user=jane@acme.example');
    const counts = listed.body.links.find((l) => l.id === link.link.id)?.choices;
    // The keyboard test's browser chose "record" once; this browser's first choice (decline) stands.
    expect(counts).toEqual({ record: 1, no_record: 1 });
    await context.close();
  });

  it('the API creates one link per user or meeting, lists them, replaces and revokes them', async () => {
    const listed = await api<{ links: Array<{ type: string; user: string | null; conferenceUrl: string }> }>(quorum, 'GET', '/v1/companies/default/consent-links?user=jane@acme.example');
    expect(listed.body.links).toMatchObject([{ type: 'static', user: 'jane@acme.example', conferenceUrl: joinUrl }]);
    const again = await api(quorum, 'POST', '/v1/companies/default/consent-links', { type: 'static', user: 'jane@acme.example', conferenceUrl: joinUrl });
    expect(again).toMatchObject({ status: 409, body: { error: 'consent_link_exists' } });
    const meeting = await createLink(quorum, { type: 'dynamic', meetingId: 'uid-42@acme', conferenceUrl: 'https://meet.google.com/dyn-amic-abc', title: 'Sync' });
    expect(meeting.url).toBe(`${quorum.url}/c/${meeting.token}`);
    const replaced = await createLink(quorum, { type: 'dynamic', meetingId: 'uid-42@acme', conferenceUrl: 'https://meet.google.com/dyn-amic-abc', replace: true });
    expect((await fetch(`${quorum.url}${meeting.path}`)).status).toBe(404);
    expect((await fetch(`${quorum.url}${replaced.path}`)).status).toBe(200);
    const byMeeting = await api<{ links: unknown[] }>(quorum, 'GET', `/v1/companies/default/consent-links?meetingId=${encodeURIComponent('uid-42@acme')}`);
    expect(byMeeting.body.links).toHaveLength(1);
    expect((await api(quorum, 'DELETE', `/v1/companies/default/consent-links/${replaced.link.id}`)).status).toBe(204);
    expect((await fetch(`${quorum.url}${replaced.path}`)).status).toBe(404);
    for (const conferenceUrl of ['javascript:alert(1)', 'http://meet.google.com/abc-defg-hij', 'https://evil.example/abc-defg-hij']) {
      const refused = await api(quorum, 'POST', '/v1/companies/default/consent-links', { type: 'dynamic', meetingId: 'm', conferenceUrl });
      expect([400, 422], conferenceUrl).toContain(refused.status);
    }
    expect((await api(quorum, 'POST', '/v1/companies/nope/consent-links', { type: 'dynamic', meetingId: 'm', conferenceUrl: joinUrl })).status).toBe(404);
    expect((await api(quorum, 'GET', '/v1/companies/default/consent-links', undefined, 'wrong-token-0123456789')).status).toBe(401);
  });

  it('nothing in the request changes where the choice redirects', async () => {
    const attempts = [
      `${link.path}?next=https://evil.example/`,
      `${link.path}?redirect=%2F%2Fevil.example&url=https%3A%2F%2Fevil.example`,
      `${link.path}?lang=de&returnTo=javascript:alert(1)`,
      `${link.path}#https://evil.example`,
    ];
    for (const path of attempts) {
      const response = await choose(quorum, path, 'record');
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location'), path).toBe(joinUrl);
    }
    const withBody = await fetch(`${quorum.url}${link.path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'evil.example', 'x-forwarded-host': 'evil.example', referer: 'https://evil.example/' },
      body: 'choice=record&next=https%3A%2F%2Fevil.example&conferenceUrl=https%3A%2F%2Fevil.example',
    });
    expect(withBody.headers.get('location')).toBe(joinUrl);
    const json = await fetch(`${quorum.url}${link.path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ choice: 'no_record', location: 'https://evil.example' }),
    });
    expect(json.headers.get('location')).toBe(joinUrl);
  });

  it('path tricks and encoded URLs get the 404 page, never a redirect', async () => {
    const tricks = [
      `${link.path}/https://evil.example`,
      `${link.path}/%2F%2Fevil.example`,
      `${link.path}%2F..%2F..%2Fevil.example`,
      '/c/%2F%2Fevil.example',
      '/c/https%3A%2F%2Fevil.example',
      `/c/..%2F${link.token}`,
      '/c//evil.example',
    ];
    for (const path of tricks) {
      for (const method of ['GET', 'POST']) {
        const response = await fetch(`${quorum.url}${path}`, {
          method,
          redirect: 'manual',
          ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'choice=record' } : {}),
        });
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(response.headers.get('location'), path).toBeNull();
        expect(await response.text()).toContain('This link does not work');
      }
    }
  });

  it('unknown and forged tokens get a 404 page, not a stack trace', async () => {
    const forged = `${link.token.slice(0, -1)}${link.token.endsWith('A') ? 'B' : 'A'}`;
    for (const token of [forged, 'A'.repeat(43), 'short', "<script>alert(1)</script>", 'x'.repeat(99)]) {
      const response = await fetch(`${quorum.url}/c/${encodeURIComponent(token)}`, { headers: { 'accept-language': 'de' } });
      expect(response.status, token).toBe(404);
      expect(response.headers.get('content-type')).toContain('text/html');
      const html = await response.text();
      expect(html).toContain('Dieser Link funktioniert nicht');
      expect(html).not.toMatch(/at .+\.ts:\d+|Error:|<script>/);
    }
    // Longer than any route parameter: refused before routing (414), still without a stack trace.
    const huge = await fetch(`${quorum.url}/c/${'x'.repeat(5000)}`);
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
    expect(await huge.text()).not.toMatch(/at .+\.[jt]s:\d+/);
  });

  it('the page is self-contained and does not leak the token to the meeting provider', async () => {
    const response = await fetch(`${quorum.url}${link.path}`);
    const html = await response.text();
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    expect(html).not.toContain('<script');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/);
  });
});
