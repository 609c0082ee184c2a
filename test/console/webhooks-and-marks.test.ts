import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuorum, type Quorum } from '../../src/main.js';
import { AccountMarks } from '../../src/scheduler/account-marks.js';
import type { EndpointStatus } from '../../src/webhooks/index.js';
import { twoTenants } from '../api/tenancy-fixtures.js';
import { adminToken, api, testConfig } from '../helpers/quorum.js';
import { newSessionInput } from '../helpers/store.js';
import { eventually, fastTimings, Receiver } from '../webhooks/receiver.js';
import { consoleBrowser } from './fixtures.js';

const wait = { timeout: 30_000 };
const secret = 'whsec_0123456789abcdef';
const bad = { email: 'bad@alpha.example', password: 'wrong' };

/** The Companies page's webhook deliveries and the Providers page's Clear of a bot account mark, per token. */
describe('ops console: webhook deliveries and bot account marks', () => {
  let quorum: Quorum;
  let browser: Browser;
  let page: Page;
  let alphaToken: string;
  const receivers: Receiver[] = [];

  /** A console tab signed in with `token`. */
  async function signedIn(token: string): Promise<Page> {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await tab.addInitScript((value) => sessionStorage.setItem('quorum.token', value), token);
    return tab;
  }
  const markedAccounts = async () => {
    const status = await api<{ companies: Array<{ providers: { teams: { accounts: Array<{ status: string }> } } }> }>(quorum, 'GET', '/v1/providers/status?companyId=alpha');
    return status.body.companies[0]?.providers.teams.accounts.filter((a) => a.status !== 'ok').length;
  };

  beforeAll(async () => {
    quorum = await startQuorum(testConfig({ QUORUM_WEBHOOK_INTERNAL_TARGETS: true }), { webhooks: fastTimings });
    ({ alphaToken } = await twoTenants(quorum));
    const [taking, down] = [await Receiver.listening(), await Receiver.listening()];
    receivers.push(taking, down);
    down.answer = () => 503;
    const webhooks = [{ url: taking.url, secret }, { url: down.url, secret, events: ['session.state_changed'] }];
    expect((await api(quorum, 'PATCH', '/v1/companies/alpha', { webhooks })).status).toBe(200);
    expect((await api(quorum, 'PATCH', '/v1/companies/alpha/providers/teams', { enabled: true, authenticatedBot: { enabled: true, accounts: [bad] } })).status).toBe(200);
    await new AccountMarks(quorum.store.db, quorum.companies).mark('alpha', 'teams', bad, { reason: 'the identity provider asked for a second sign-in step', sessionId: 'earlier' });
    // An hour ahead, so never dispatched: its creation is the event both endpoints are sent.
    await quorum.sessions.create(newSessionInput({ companyId: 'alpha', startsAt: new Date(Date.now() + 3_600_000) }));
    await eventually('one endpoint ok, the other failing', async () => {
      const { body } = await api<{ endpoints: EndpointStatus[] }>(quorum, 'GET', '/v1/companies/alpha/webhooks');
      return body.endpoints.map((e) => e.status).join() === 'ok,failing';
    });
    ({ browser, page } = await consoleBrowser());
    await page.addInitScript((token) => sessionStorage.setItem('quorum.token', token), adminToken);
  });
  afterAll(async () => {
    await browser?.close();
    await quorum?.close();
    await Promise.all(receivers.map((receiver) => receiver.stop()));
  });

  it("shows each company's webhook endpoints with their status, last success, last failure and next try", async () => {
    await page.goto(`${quorum.url}/console/#/companies`);
    const alpha = page.locator('section[data-company-id="alpha"] table.webhooks');
    const [taking, down] = receivers.map((receiver) => alpha.locator(`tr[data-url="${receiver?.url}"]`));
    await taking?.locator('.state', { hasText: 'ok' }).waitFor(wait);
    const cells = async (row: typeof taking) => (await row?.locator('td').allTextContents())?.map((text) => text.trim());
    const [url, events, status, lastSuccess, lastFailure, nextTry] = (await cells(taking)) ?? [];
    expect([url, events, status, lastFailure, nextTry]).toEqual([receivers[0]?.url, 'session.state_changed, session.ended', 'ok', '—', '—']);
    expect(lastSuccess).toMatch(/\d{4}/);
    const failing = (await cells(down)) ?? [];
    expect(failing.slice(0, 3)).toEqual([receivers[1]?.url, 'session.state_changed', expect.stringMatching(/^failing \d+ in a row$/)]);
    expect(failing[3]).toBe('—');
    expect(failing[4]).toMatch(/: HTTP 503$/);
    expect(failing[5]).toMatch(/\d{4}/);
    await page.locator('section[data-company-id="bravo"] .webhooks-none', { hasText: 'No webhooks.' }).waitFor(wait);
    expect(await page.content()).not.toContain(secret);
  });

  it("shows a company token its own company's webhooks only", async () => {
    const tab = await signedIn(alphaToken);
    try {
      await tab.goto(`${quorum.url}/console/#/companies`);
      await tab.locator('section[data-company-id="alpha"] table.webhooks tr[data-status="failing"]').waitFor(wait);
      expect(await tab.locator('section[data-company-id="bravo"]').count()).toBe(0);
      // Asking for another company by its id shows nothing of it.
      await tab.goto(`${quorum.url}/console/#/companies?companyId=bravo`);
      await tab.locator('#view-error').waitFor(wait);
      expect(await tab.locator('section[data-company-id="bravo"]').count()).toBe(0);
    } finally {
      await tab.close();
    }
  });

  it("clears a marked bot account with the company's token after a confirmation, and the page shows it ok", async () => {
    const tab = await signedIn(alphaToken);
    try {
      await tab.goto(`${quorum.url}/console/#/providers`);
      const account = tab.locator(`section[data-company-id="alpha"] tr[data-provider="teams"] li[data-account="${bad.email}"]`);
      await account.locator('code', { hasText: 'sign_in_failed' }).waitFor(wait);
      // Cancel first: nothing is cleared without confirmation.
      await account.locator('button.clear-mark').click();
      await tab.locator('#mark-title', { hasText: `Clear the mark of ${bad.email}?` }).waitFor(wait);
      await tab.click('#mark-dialog button[value=cancel]');
      expect(await markedAccounts()).toBe(1);
      await account.locator('button.clear-mark').click();
      await tab.click('#mark-confirm');
      await tab.locator('#mark-status', { hasText: `Mark cleared: meetings sign in with ${bad.email} again.` }).waitFor(wait);
      await account.locator('.pass', { hasText: 'ok' }).waitFor(wait);
      expect(await account.locator('button.clear-mark').count()).toBe(0);
      expect(await markedAccounts()).toBe(0);
    } finally {
      await tab.close();
    }
  });
});
