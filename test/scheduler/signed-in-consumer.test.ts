import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { CompanyStore } from '../../src/companies/company-store.js';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import { SignedInBots } from '../../src/scheduler/account-lease.js';
import { isSessionError } from '../../src/sessions/session-error.js';
import { StoreLeases } from '../../src/store/leases.js';
import { newSessionInput, openTestStore, type TestStore } from '../helpers/store.js';

/**
 * Teams consumer meetings (teams.live.com) fail when the bot is signed in to a work account (providers.md §4.2):
 * with the authenticated bot on they still join anonymously, from the first attempt, without the account.
 */
describe('signed-in bots and Teams consumer meetings', () => {
  let t: TestStore;
  let bots: SignedInBots;
  const log = pino({ level: 'silent' });
  const signal = new AbortController().signal;
  const lease = 'teams:bot@acme.example';
  const consumer = 'https://teams.live.com/meet/9876543210123?p=xyz12';

  beforeEach(async () => {
    t = await openTestStore('sqlite');
    const companies = new CompanyStore(t.store.db);
    const settings = defaultCompanySettings({ id: 'on', assistantAddress: 'assistant@on.example' });
    const teams = { enabled: true, authenticatedBot: { enabled: true, account: { email: 'Bot@Acme.example', password: 'pw' } } };
    await companies.put({ id: 'on', name: 'on', assistantAddress: 'assistant@on.example', settings: { ...settings, providers: { ...settings.providers, teams } } });
    bots = new SignedInBots({ companies, sessions: t.sessions, dataDir: t.dir, leases: new StoreLeases(t.store.db, { pollMs: 50 }) });
  });
  afterEach(async () => {
    await t.store.close();
  });

  it('joins a teams.live.com meeting anonymously with the authenticated bot on and holds no lease', async () => {
    const session = await t.sessions.create(newSessionInput({ companyId: 'on', provider: 'teams', meetingUrl: consumer }));
    const use = await bots.forAttempt(session, signal, log);
    expect(use.join).toEqual({});
    expect(await bots.leases.holder(lease)).toBeUndefined();
    await use.release();
    // A business meeting of the same company still joins signed in, holding the account.
    const business = await t.sessions.create(newSessionInput({ companyId: 'on', provider: 'teams', meetingUrl: 'https://teams.microsoft.com/meet/2345678901234?p=AbCdEf' }));
    const signed = await bots.forAttempt(business, signal, log);
    expect(signed.join.authenticated).toBe(true);
    expect(await bots.leases.holder(lease)).toBe(business.id);
    await signed.release();
  });

  it('ends a consumer meeting\'s retry after a wall at once: signing in would not get past it', async () => {
    let session = await t.sessions.create(newSessionInput({ companyId: 'on', provider: 'teams', meetingUrl: consumer }));
    session = await t.sessions.transition(session.id, 'failed', { code: 'x', endCode: 'blocked_by_captcha' });
    session = await t.sessions.transition(session.id, 'scheduled', { code: 'retry' });
    const walled = await bots.forAttempt(session, signal, log).catch((e: unknown) => e);
    expect(isSessionError(walled) && walled.endCode).toBe('blocked_by_captcha');
    expect(await bots.leases.holder(lease)).toBeUndefined();
  });
});
