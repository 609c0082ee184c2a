import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import { tableResolver } from '../../src/intake/dns.js';
import { createDkimKey, signMessage } from '../../src/intake/mail-auth.js';
import { startQuorum, type Quorum } from '../../src/main.js';
import { inviteMail } from '../intake/mail.js';
import { adminToken, api, testConfig } from '../helpers/quorum.js';
import { consoleBrowser, screenshots } from './fixtures.js';

const wait = { timeout: 30_000 };
const ASSISTANT = 'assistant@acme.example';
const key = createDkimKey('acme.example');

/** The console's Invites view in a real Chromium: what arrived, why it ended so, and running one again. */
describe('ops console: invite e-mails', () => {
  let quorum: Quorum;
  let browser: Browser;
  let page: Page;
  let turnedDown: string;
  let spoofed: string;

  async function post(raw: Buffer): Promise<string> {
    const response = await fetch(`${quorum.url}/v1/inbound/email?ip=127.0.0.1`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'message/rfc822' }, body: new Uint8Array(raw) });
    return ((await response.json()) as { id: string }).id;
  }

  beforeAll(async () => {
    quorum = await startQuorum(testConfig(), { dnsResolver: tableResolver(key.dns) });
    await quorum.companies.put({ id: 'acme', name: 'Acme', assistantAddress: ASSISTANT, settings: defaultCompanySettings({ adminEmail: 'ada@acme.example' }) });
    const start = new Date(Math.floor((Date.now() + 2 * 86_400_000) / 60_000) * 60_000);
    const invite = (uid: string, summary: string) => inviteMail({ uid, start, organizer: 'carol@partner.example', link: 'https://meet.google.com/inv-itee-mls', summary }, { from: 'erin@acme.example', to: ASSISTANT, forward: true });
    spoofed = await post(Buffer.from(invite('console-spoofed', 'Spoofed sync')));
    turnedDown = await post(await signMessage(invite('console-erin', 'Partner sync'), key));
    ({ browser, page } = await consoleBrowser());
  });
  afterAll(async () => {
    await browser?.close();
    await quorum?.close();
  });

  it('lists what arrived, filters by status, shows why one was turned down, and runs it again after a fix', async () => {
    await page.goto(`${quorum.url}/console/#/inbound`);
    await page.fill('#token', adminToken);
    await page.click('#login-form button[type=submit]');
    await page.locator('h1', { hasText: 'Invites' }).waitFor(wait);
    expect(await page.locator('#inbound-body tr[data-message-id]').count()).toBe(2);
    // Subject and From as sent, so the operator can tell the messages apart.
    await page.locator(`tr[data-message-id="${turnedDown}"] td`, { hasText: 'Fwd: Invitation: Partner sync' }).waitFor(wait);
    await page.locator(`tr[data-message-id="${turnedDown}"] td`, { hasText: 'erin@acme.example' }).waitFor(wait);
    await page.selectOption('#inbound-status', 'rejected');
    await page.click('form[aria-label="Filter invite e-mails"] button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('#inbound-body tr[data-message-id]').length === 1, undefined, wait);
    await page.locator('#inbound-body tr[data-status="rejected"] td', { hasText: 'sender_not_authenticated' }).waitFor(wait);

    await page.goto(`${quorum.url}/console/#/inbound`);
    const row = page.locator(`tr[data-message-id="${turnedDown}"]`);
    await row.getByRole('button', { name: 'Details' }).click();
    const details = page.locator('tr.inbound-details:not([hidden])');
    await details.locator('code', { hasText: 'requester_unknown' }).waitFor(wait);
    expect(await details.getByRole('link', { name: 'Raw mail' }).getAttribute('href')).toContain(`/v1/inbound/messages/${turnedDown}/raw?token=`);
    await page.screenshot({ path: `${screenshots}console-inbound.png`, fullPage: true });

    // The operator gives Erin a seat, then runs the message again: it plans a session, linked from the outcome.
    const company = await quorum.companies.get('acme');
    if (!company) throw new Error('no company');
    const users = { ...(company.settings.users as Record<string, unknown>), 'erin@acme.example': { email: 'erin@acme.example', seat: true, permissionProfile: 'admin', recordable: true } };
    await quorum.companies.put({ ...company, settings: { ...company.settings, users } });
    await details.getByRole('button', { name: 'Run again' }).click();
    await details.locator('li[data-change="new"] a', { hasText: 'session' }).waitFor(wait);
    expect((await quorum.sessions.list({ companyId: 'acme' })).map((s) => [s.title, s.requestedBy])).toEqual([['Partner sync', 'erin@acme.example']]);
    // What the run gave stays said after the details are read again, and the row follows it.
    await details.locator('.rerun-status', { hasText: 'Ran it again: processed' }).waitFor(wait);
    await page.locator(`tr[data-message-id="${turnedDown}"][data-status="processed"]`).waitFor(wait);

    // Still spoofed: run again, it is rejected again (an error status carrying the result), and the reasons stay.
    await page.locator(`tr[data-message-id="${spoofed}"]`).getByRole('button', { name: 'Details' }).click();
    const spoofedDetails = page.locator(`tr[data-message-id="${spoofed}"] + tr.inbound-details`);
    await spoofedDetails.getByRole('button', { name: 'Run again' }).click();
    await spoofedDetails.locator('.rerun-status', { hasText: 'Ran it again: rejected again' }).waitFor(wait);
    await spoofedDetails.locator('code', { hasText: 'sender_not_authenticated' }).first().waitFor(wait);
  });

  it('follows mail as it ends: a new message comes in at the top while the details open stay open', async () => {
    await page.goto(`${quorum.url}/console/#/sessions`);
    await page.goto(`${quorum.url}/console/#/inbound`);
    await page.locator(`tr[data-message-id="${turnedDown}"]`).getByRole('button', { name: 'Details' }).click();
    const open = page.locator(`tr[data-message-id="${turnedDown}"] + tr.inbound-details:not([hidden])`);
    await open.getByRole('button', { name: 'Run again' }).waitFor(wait);
    await page.locator('#live-status', { hasText: 'connected' }).waitFor(wait);
    const start = new Date(Math.floor((Date.now() + 3 * 86_400_000) / 60_000) * 60_000);
    const later = inviteMail({ uid: 'console-live', start, organizer: 'ada@acme.example', link: 'https://meet.google.com/liv-eliv-eml', summary: 'Arrived while watching' }, { from: 'ada@acme.example', to: ASSISTANT });
    const arrived = await post(await signMessage(later, key));
    await page.locator(`#inbound-body tr[data-message-id="${arrived}"][data-status="processed"]`).waitFor(wait);
    expect(await page.locator('#inbound-body tr[data-message-id]').first().getAttribute('data-message-id')).toBe(arrived);
    expect(await open.isVisible()).toBe(true);
  });

  it('reads a burst of mail as a few pages, not one request per message, and keeps going from the newest page', async () => {
    await page.goto(`${quorum.url}/console/#/sessions`);
    await page.goto(`${quorum.url}/console/#/inbound`);
    await page.locator('#live-status', { hasText: 'connected' }).waitFor(wait);
    let listRequests = 0;
    const count = (request: { url(): string }) => {
      if (new URL(request.url()).pathname === '/v1/inbound/messages') listRequests += 1;
    };
    page.on('request', count);
    const start = new Date(Math.floor((Date.now() + 4 * 86_400_000) / 60_000) * 60_000);
    const burst = 80;
    const mails = await Promise.all(
      Array.from({ length: burst }, (_, n) =>
        signMessage(inviteMail({ uid: `console-burst-${n}`, start: new Date(start.getTime() + n * 3_600_000), organizer: 'ada@acme.example', link: 'https://meet.google.com/bur-stbu-rst', summary: `Burst ${n}` }, { from: 'ada@acme.example', to: ASSISTANT }), key),
      ),
    );
    const ids = await Promise.all(mails.map((mail) => post(mail)));
    const newest = (await api<{ messages: Array<{ id: string }> }>(quorum, 'GET', '/v1/inbound/messages?limit=1')).body.messages[0]?.id;
    expect(ids).toContain(newest);
    await page.locator(`#inbound-body tr[data-message-id="${newest}"]`).waitFor(wait);
    await page.waitForFunction((id) => document.querySelector('#inbound-body tr[data-message-id]')?.getAttribute('data-message-id') === id, newest, wait);
    page.off('request', count);
    expect(listRequests).toBeLessThan(burst / 4);
    // Every message is shown once: on the live page, or (when a burst outran a page, or the page was trimmed) by
    // following "Older" from it. How the burst arrived decides which; the result may not depend on it.
    const rowIds = () => page.locator('#inbound-body tr[data-message-id]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-message-id') ?? ''));
    const seen = await rowIds();
    while (await page.locator('#inbound-older').isVisible()) {
      const first = seen.at(-1);
      await page.click('#inbound-older');
      await page.waitForFunction((last) => !Array.from(document.querySelectorAll('#inbound-body tr[data-message-id]')).some((row) => row.getAttribute('data-message-id') === last), first, wait);
      seen.push(...(await rowIds()));
    }
    const all = (await api<{ messages: Array<{ id: string }> }>(quorum, 'GET', '/v1/inbound/messages?limit=500')).body.messages.map((m) => m.id);
    expect(seen.length).toBe(new Set(seen).size);
    expect(new Set(seen)).toEqual(new Set(all));
  });

  it('offers the view to the operator alone: a company token neither sees the link nor reads the messages', async () => {
    const token = (await api<{ token: string }>(quorum, 'POST', '/v1/companies/acme/tokens', { name: 'ops' })).body.token;
    expect((await api<{ admin: boolean }>(quorum, 'GET', '/console/api/meta', undefined, token)).body.admin).toBe(false);
    expect((await api<{ admin: boolean }>(quorum, 'GET', '/console/api/meta')).body.admin).toBe(true);
    expect((await api(quorum, 'GET', '/v1/inbound/messages', undefined, token)).status).toBe(403);
    await page.goto(`${quorum.url}/console/#/sessions`);
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await page.fill('#token', token);
    await page.click('#login-form button[type=submit]');
    await page.locator('h1', { hasText: 'Sessions' }).waitFor(wait);
    expect(await page.locator('#nav-inbound').isHidden()).toBe(true);
  });
});
