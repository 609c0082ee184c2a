import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { secondStepReason } from '../../providers/web-client/sign-in.js';
import { CompanyStore } from '../../src/companies/company-store.js';
import { SettingsCipher } from '../../src/companies/secrets.js';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import { SignedInBots } from '../../src/scheduler/account-lease.js';
import { AccountMarks, isLastingSignInFailure } from '../../src/scheduler/account-marks.js';
import type { EndCode } from '../../src/sessions/end-codes.js';
import type { Session } from '../../src/sessions/session.js';
import { StoreLeases } from '../../src/store/leases.js';
import { dialects, newSessionInput, openTestStore, type TestStore } from '../helpers/store.js';

const refusedByMicrosoft = 'the identity provider rejected the bot account';
const secondStep = secondStepReason('Microsoft', 'use a dedicated account that signs in with its password alone, then retry');

describe('which sign-in failures mark an account', () => {
  it('marks a refused password or account and a second step, not a sign-in that failed without saying why', () => {
    for (const subCode of ['credentials_refused', 'second_step_required'] as const) expect(isLastingSignInFailure('sign_in_failed', subCode)).toBe(true);
    expect(isLastingSignInFailure('sign_in_failed', undefined)).toBe(false);
    expect(isLastingSignInFailure('sign_in_required', 'credentials_refused')).toBe(false);
  });
});

describe('credential fingerprints', () => {
  it('are keyed: another installation key gives another hash, and the password is not in it', () => {
    const [a, b] = [new SettingsCipher('the-first-key-0123456789'), new SettingsCipher('another-key-0123456789')];
    expect(a.fingerprint('pw-secret')).toBe(a.fingerprint('pw-secret'));
    expect(a.fingerprint('pw-secret')).not.toBe(b.fingerprint('pw-secret'));
    expect(a.fingerprint('pw-secret')).not.toBe(a.fingerprint('pw-other'));
    expect(a.fingerprint('pw-secret')).not.toContain('pw-secret');
  });
});

describe.each(dialects)('account marks on %s', (dialect) => {
  let t: TestStore;
  let marks: AccountMarks;
  const account = { email: 'Bot@Acme.example', password: 'wrong' };
  beforeEach(async () => {
    t = await openTestStore(dialect);
    marks = new AccountMarks(t.store.db, new SettingsCipher('test-key-0123456789'));
  });
  afterEach(async () => {
    await t.store.close();
  });

  it('holds for the credentials it was found with, and counts as cleared once they change', async () => {
    await marks.mark('acme', 'teams', account, { reason: refusedByMicrosoft, sessionId: 's1' });
    const held = await marks.current('acme', 'teams', [account]);
    expect(held.get('bot@acme.example')).toMatchObject({ email: 'Bot@Acme.example', reason: refusedByMicrosoft, sessionId: 's1' });
    // Another company, another provider: their own.
    expect((await marks.current('other', 'teams', [account])).size).toBe(0);
    expect((await marks.current('acme', 'meet', [account])).size).toBe(0);
    // The password fixed in the settings: the mark no longer holds; set back, it does again.
    expect((await marks.current('acme', 'teams', [{ ...account, password: 'right' }])).size).toBe(0);
    expect((await marks.current('acme', 'teams', [account])).size).toBe(1);
    // Nothing of the password is stored.
    const rows = await t.store.db.selectFrom('bot_account_marks').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain('wrong');
  });

  it('keeps the latest finding per account and is cleared by a sign-in that held', async () => {
    await marks.mark('acme', 'teams', account, { reason: refusedByMicrosoft, sessionId: 's1' });
    await marks.mark('acme', 'teams', { ...account, email: 'bot@acme.example' }, { reason: secondStep, sessionId: 's2' });
    expect((await marks.current('acme', 'teams', [account])).get('bot@acme.example')).toMatchObject({ reason: secondStep, sessionId: 's2' });
    await marks.clear('acme', 'teams', 'BOT@acme.example');
    expect((await marks.current('acme', 'teams', [account])).size).toBe(0);
  });
});

describe('the lease and marked accounts', () => {
  let t: TestStore;
  let bots: SignedInBots;
  let companies: CompanyStore;
  let marks: AccountMarks;
  const log = pino({ level: 'silent' });
  const signal = new AbortController().signal;
  const bad = { email: 'bad@acme.example', password: 'wrong' };
  const good = { email: 'good@acme.example', password: 'right' };

  async function company(id: string, accounts: object[]): Promise<void> {
    const settings = defaultCompanySettings({ id, assistantAddress: `assistant@${id}.example` });
    const teams = { enabled: true, authenticatedBot: { enabled: true, accounts } };
    await companies.put({ id, name: id, assistantAddress: `assistant@${id}.example`, settings: { ...settings, providers: { ...settings.providers, teams } } });
  }

  /** A Teams session of `companyId` at its next attempt after `endCodes`, that attempt made by `reason`. */
  async function sessionAfter(companyId: string, endCodes: EndCode[] = [], reason?: string): Promise<Session> {
    let session = await t.sessions.create(newSessionInput({ companyId, provider: 'teams', meetingUrl: 'https://teams.microsoft.com/meet/1' }));
    for (const [i, endCode] of endCodes.entries()) {
      if (i > 0) session = await t.sessions.transition(session.id, 'scheduled', { code: 'retry' });
      session = await t.sessions.transition(session.id, 'failed', { code: 'x', endCode });
    }
    if (endCodes.length > 0) session = await t.sessions.transition(session.id, 'scheduled', { code: 'retry', ...(reason ? { attemptReason: reason } : {}) });
    return session;
  }

  const busyNotes = async (id: string) => (await t.sessions.timeline(id)).filter((e) => e.code === 'bot_accounts_busy').map((e) => e.details);

  beforeEach(async () => {
    t = await openTestStore('sqlite');
    companies = new CompanyStore(t.store.db, new SettingsCipher('test-key-0123456789'));
    marks = new AccountMarks(t.store.db, companies);
    bots = new SignedInBots({ companies, sessions: t.sessions, dataDir: t.dir, leases: new StoreLeases(t.store.db, { pollMs: 50 }), marks });
    await company('pool', [bad, good]);
    await company('one', [bad]);
  });
  afterEach(async () => {
    await t.store.close();
  });

  it('a refused sign-in marks the account, and the next meeting takes another account', async () => {
    const first = await sessionAfter('pool');
    const use = await bots.forAttempt(first, signal, log);
    expect(use.join.account?.email).toBe(bad.email);
    await use.report?.({ admitted: false, endCode: 'sign_in_failed', message: refusedByMicrosoft, subCode: 'credentials_refused' });
    await use.release();
    const next = await bots.forAttempt(await sessionAfter('pool'), signal, log);
    expect(next.join.account?.email).toBe(good.email);
    expect(next.busy).toBeUndefined();
    await next.release();
    // The failed session's own retry takes the other account too, instead of going anonymous.
    const retry = await bots.forAttempt(await t.sessions.transition(first.id, 'failed', { code: 'x', endCode: 'sign_in_failed' }).then(() => t.sessions.transition(first.id, 'scheduled', { code: 'retry' })), signal, log);
    expect(retry.join.account?.email).toBe(good.email);
    await retry.release();
  });

  it('with every account marked, joins as a guest at once, saying the accounts cannot sign in', async () => {
    await marks.mark('one', 'teams', bad, { reason: secondStep, sessionId: 'earlier' });
    const session = await sessionAfter('one');
    const guest = await bots.forAttempt(session, signal, log);
    expect(guest.join).toEqual({});
    expect(guest.busy).toEqual({ accounts: 1, cannotSignIn: 1, reason: 'every bot account (1) cannot sign in (its sign-in was refused before: see the provider status), so the bot joined as a guest' });
    expect(await busyNotes(session.id)).toEqual([{ accounts: 1, meetingsPerAccount: 1, cannotSignIn: 1, joinedAsGuest: true, reason: guest.busy?.reason }]);
    expect(await bots.leases.holder('teams:bad@acme.example')).toBeUndefined();
  });

  it('one account marked and the other busy: a guest, and the reason names both', async () => {
    await marks.mark('pool', 'teams', bad, { reason: refusedByMicrosoft, sessionId: 'earlier' });
    const other = await bots.leases.acquire('teams:good@acme.example', 'another-session', signal, new Date(Date.now() + 5_000));
    const guest = await bots.forAttempt(await sessionAfter('pool'), signal, log);
    expect(guest.busy?.reason).toBe('every bot account (2) was in other meetings or cannot sign in (1 refused before: see the provider status), so the bot joined as a guest');
    await other?.();
  });

  it('signs in again once the password in the settings changes, and a sign-in that held clears the mark', async () => {
    await marks.mark('one', 'teams', bad, { reason: refusedByMicrosoft, sessionId: 'earlier' });
    await company('one', [{ ...bad, password: 'fixed' }]);
    const use = await bots.forAttempt(await sessionAfter('one'), signal, log);
    expect(use.join).toMatchObject({ authenticated: true, account: { email: bad.email, password: 'fixed' } });
    await use.report?.({ admitted: true });
    await use.release();
    expect(await t.store.db.selectFrom('bot_account_marks').selectAll().execute()).toEqual([]);
  });

  it('leaves no mark for a sign-in page that never completed: only the attempt right after goes anonymous', async () => {
    const first = await sessionAfter('one');
    const use = await bots.forAttempt(first, signal, log);
    await use.report?.({ admitted: false, endCode: 'sign_in_failed', message: 'the sign-in did not complete' });
    await use.release();
    expect((await marks.current('one', 'teams', [bad])).size).toBe(0);
    expect((await bots.forAttempt(await sessionAfter('one', ['sign_in_failed']), signal, log)).join).toEqual({});
    const next = await bots.forAttempt(await sessionAfter('one'), signal, log);
    expect(next.join.authenticated).toBe(true);
    await next.release();
  });

  it("an operator's retry tries a marked account again: how a fix at the identity provider is tested", async () => {
    await marks.mark('one', 'teams', bad, { reason: secondStep, sessionId: 'earlier' });
    const retried = await bots.forAttempt(await sessionAfter('one', ['meeting_ended'], 'operator'), signal, log);
    expect(retried.join.authenticated).toBe(true);
    await retried.release();
  });
});
