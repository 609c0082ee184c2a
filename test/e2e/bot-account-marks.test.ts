import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import type { BotAccountStatus } from '../../src/eligibility/provider-status.js';
import type { Quorum } from '../../src/main.js';
import { startQuorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { consoleBrowser, trackSockets } from '../console/fixtures.js';
import { adminToken, api, requestForCompany, scenarioSettings, simulatorOf, testConfig } from '../helpers/quorum.js';
import { waitForEnd } from '../helpers/sessions.js';
import { secondStepAccounts } from '../sim/core/accounts.js';
import { simAccounts, type TeamsScript } from '../sim/index.js';

/**
 * A Teams bot account that cannot sign in, end to end against the simulator: the first meeting's refused sign-in
 * marks it, later meetings join as a guest at once without trying it, operators see it in the provider status (API
 * and console), and fixing the password in the company's settings lets the next meeting sign in. Its own Quorum: the
 * account's lease is shared across companies, so no other suite's meeting may hold it meanwhile.
 */
const account = simAccounts.teams;
const mfa = secondStepAccounts.teamsCode;
let quorum: Quorum;

async function company(id: string, bot: { email: string; password: string }): Promise<void> {
  const settings = defaultCompanySettings({ id, assistantAddress: `assistant@${id}.example`, adminEmail: `admin@${id}.example` });
  const teams = { enabled: true, authenticatedBot: { enabled: true, account: bot } };
  await quorum.companies.put({ id, name: id, assistantAddress: `assistant@${id}.example`, settings: { ...settings, providers: { ...settings.providers, teams } } });
}

async function record(companyId: string): Promise<{ session: Session; meetingId: string }> {
  const script: TeamsScript = { access: 'open', participants: [{ name: 'Ada' }], endAfterMs: 4_000 };
  const meeting = await simulatorOf(quorum).createMeeting('teams', script);
  return { session: await requestForCompany(quorum, companyId, meeting.joinUrl), meetingId: meeting.id };
}

async function teamsAccounts(companyId: string, token = adminToken): Promise<BotAccountStatus[] | undefined> {
  const status = await api<{ companies: Array<{ providers: { teams: { accounts?: BotAccountStatus[] } } }> }>(quorum, 'GET', `/v1/providers/status?companyId=${companyId}`, undefined, token);
  return status.body.companies[0]?.providers.teams.accounts;
}

const signedIn = (meetingId: string) => simulatorOf(quorum).getMeeting(meetingId)?.events.some((e) => e.type === 'bot_signed_in');

beforeAll(async () => {
  quorum = await startQuorum(testConfig(scenarioSettings));
  await company('acme', { email: account.email, password: 'not-the-password' });
  await company('twostep', { email: mfa.email, password: mfa.password });
});
afterAll(async () => {
  await quorum?.close();
});

describe('a bot account that cannot sign in', () => {
  it.concurrent('is marked by a refused password, skipped by the next meeting, shown to operators, and used again once the password is fixed', async () => {
    const sim = simulatorOf(quorum);
    const first = await record('acme');
    expect(await waitForEnd(quorum, first.session.id, 120_000, 2_500)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 2 });
    expect((await quorum.sessions.attempts(first.session.id)).map((a) => a.endCode)).toEqual(['sign_in_failed', 'meeting_ended']);
    const [marked] = (await teamsAccounts('acme')) ?? [];
    expect(marked).toEqual({ email: account.email, status: 'sign_in_failed', reason: 'the identity provider rejected the bot account', since: expect.any(String), sessionId: first.session.id });
    expect(JSON.stringify(await teamsAccounts('acme'))).not.toContain('not-the-password');

    // The next meeting does not try the account: a guest from its first attempt, said in the timeline.
    const second = await record('acme');
    expect(await waitForEnd(quorum, second.session.id, 120_000, 2_500)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    expect(signedIn(second.meetingId)).toBe(false);
    const note = (await quorum.sessions.timeline(second.session.id)).find((e) => e.code === 'bot_accounts_busy');
    expect(note?.details).toMatchObject({ accounts: 1, cannotSignIn: 1, joinedAsGuest: true, reason: expect.stringContaining('every bot account (1) cannot sign in') });
    const logs = JSON.stringify((await api<{ lines: unknown[] }>(quorum, 'GET', `/v1/sessions/${second.session.id}/logs?limit=10000`)).body.lines);
    expect(logs).not.toContain('joining signed in');

    // A company token reads its own company's accounts only.
    const token = (await api<{ token: string }>(quorum, 'POST', '/v1/companies/twostep/tokens', { name: 'ops' })).body.token;
    expect((await api(quorum, 'GET', '/v1/providers/status?companyId=acme', undefined, token)).status).toBe(403);

    // The console's Providers page shows the mark with its reason.
    const { browser, page } = await consoleBrowser();
    try {
      await trackSockets(page, adminToken);
      await page.goto(`${quorum.url}/console/#/providers?companyId=acme`);
      const row = page.locator(`section[data-company-id="acme"] tr[data-provider="teams"] li[data-account="${account.email}"]`);
      await row.waitFor({ timeout: 15_000 });
      expect(await row.textContent()).toContain('sign_in_failed');
      expect(await row.textContent()).toContain('the identity provider rejected the bot account');
    } finally {
      await browser.close();
    }

    // The company fixes the password through its settings: the mark no longer holds and the next meeting signs in.
    const fixed = await api(quorum, 'PATCH', '/v1/companies/acme/providers/teams', { authenticatedBot: { enabled: true, account: { email: account.email, password: account.password } } });
    expect(fixed.status).toBe(200);
    expect((await teamsAccounts('acme'))?.[0]).toMatchObject({ status: 'ok', reason: null });
    const third = await record('acme');
    expect(await waitForEnd(quorum, third.session.id, 120_000, 2_500)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    expect(signedIn(third.meetingId)).toBe(true);
    expect(sim.signIns('teams', account.email)).toBe(1);
  });

  it.concurrent('is marked by a second sign-in step, which the status says', async () => {
    const { session } = await record('twostep');
    expect(await waitForEnd(quorum, session.id, 120_000, 2_500)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 2 });
    const [marked] = (await teamsAccounts('twostep')) ?? [];
    expect(marked).toMatchObject({ email: mfa.email, status: 'sign_in_failed', sessionId: session.id });
    expect(marked?.reason).toMatch(/asked the bot account for a second sign-in step/);
  });
});
