import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { baseChromiumArgs } from '../../providers/browser/flags.js';
import { chromiumPath } from '../sim/helpers.js';
import { checkEligibility } from '../../src/eligibility/check.js';
import { acme, facts, links } from '../../src/eligibility/test-fixtures.js';
import type { Quorum } from '../../src/main.js';
import type { EndCode } from '../../src/sessions/end-codes.js';

/** The console's filter scenarios: sessions of two companies, providers and outcomes, stored for real. */
export async function seedConsoleFixtures(quorum: Quorum): Promise<void> {
  const settings = acme((company) => {
    // Teams wants a signed-in bot but has no account: the Providers view must show the error.
    company.providers.teams = { enabled: true, authenticatedBot: { enabled: true } };
    company.providers.zoom.clientSecret = 'zoom-client-secret-value';
    company.users['ops@acme.example'] = { email: 'ops@acme.example', seat: true, permissionProfile: 'sales', consentProfile: 'open', recordable: false };
  });
  await quorum.companies.put({ id: 'acme', name: 'Acme', assistantAddress: 'assistant@acme.example', settings });
  await quorum.companies.put({ id: 'globex', name: 'Globex', assistantAddress: 'assistant@globex.example', settings: { botName: 'Globex Notes' } });
  // Cy lacks "Manually schedule & upload": a decision with one failed rule among many passed ones.
  const refused = checkEligibility(facts({ requesterEmail: 'cy@acme.example', meeting: { links: [links.teams] } }));
  const now = Date.now();
  const seed = async (companyId: string, provider: string, title: string, ended?: EndCode, decision?: unknown) => {
    const session = await quorum.sessions.create({
      companyId,
      provider,
      plan: 'bot',
      meetingUrl: `https://example.invalid/${encodeURIComponent(title)}`,
      title,
      startsAt: new Date(now + 3_600_000),
      endsAt: new Date(now + 7_200_000),
      // Far ahead: these sessions are table rows for the filters, never dispatched during the test.
      joinAt: new Date(now + 86_400_000),
      decision,
    });
    if (ended) await quorum.sessions.transition(session.id, 'failed', { code: 'seeded', endCode: ended });
    return session;
  };
  await seed('acme', 'meet', 'Quarterly planning');
  await seed('acme', 'teams', 'Quarterly review', 'waiting_room_timeout', refused);
  await seed('acme', 'teams', 'Customer call (captcha)', 'blocked_by_captcha');
  await seed('globex', 'webex', 'Globex standup');
}

/** Where the console tests save the screenshots the docs link to. */
export const screenshots = new URL('../../docs/screenshots/', import.meta.url).pathname;

/** The operator's browser for a console test: Chromium with a desktop-sized page; the screenshot folder made. */
export async function consoleBrowser(): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: [...baseChromiumArgs] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  mkdirSync(screenshots, { recursive: true });
  return { browser, page };
}

/**
 * Signs `page` in with `token` and keeps every WebSocket the console opens in `window.opened`, where a test can
 * read their states (a feed that should have been closed, one still reconnecting).
 */
export async function trackSockets(page: Page, token: string): Promise<void> {
  await page.addInitScript((signedIn) => {
    sessionStorage.setItem('quorum.token', signedIn);
    const Native = WebSocket;
    const opened: WebSocket[] = [];
    Object.assign(window, { opened });
    window.WebSocket = class extends Native {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        opened.push(this);
      }
    };
  }, token);
}
