import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { CompanyStore } from '../../src/companies/company-store.js';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import { EncryptedStateFile, SignedInBots } from '../../src/scheduler/account-lease.js';
import type { EndCode } from '../../src/sessions/end-codes.js';
import type { Session } from '../../src/sessions/session.js';
import { isSessionError } from '../../src/sessions/session-error.js';
import { StoreLeases } from '../../src/store/leases.js';
import { newSessionInput, openTestStore, type TestStore } from '../helpers/store.js';

describe('encrypted signed-in state', () => {
  it('round-trips the state and keeps nothing readable on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorum-state-'));
    const key = Buffer.alloc(32, 7);
    const file = new EncryptedStateFile(join(dir, 'a.state'), async () => key);
    expect(await file.load()).toBeUndefined();
    const state = JSON.stringify({ cookies: [{ name: 'ESTSAUTH', value: 'secret-token' }] });
    await file.save(state);
    expect(readFileSync(join(dir, 'a.state')).toString('latin1')).not.toContain('secret-token');
    expect(await file.load()).toBe(state);
    const wrongKey = new EncryptedStateFile(join(dir, 'a.state'), async () => Buffer.alloc(32, 8));
    await expect(wrongKey.load()).rejects.toThrow();
  });
});

describe('signed-in bots per attempt', () => {
  let t: TestStore;
  let bots: SignedInBots;
  const log = pino({ level: 'silent' });
  const account = { email: 'Bot@Acme.example', password: 'pw' };
  const signal = new AbortController().signal;

  beforeEach(async () => {
    t = await openTestStore('sqlite');
    const companies = new CompanyStore(t.store.db);
    const company = async (id: string, teams: object, meet: object = {}) => {
      const settings = defaultCompanySettings({ id, assistantAddress: `assistant@${id}.example` });
      await companies.put({ id, name: id, assistantAddress: `assistant@${id}.example`, settings: { ...settings, providers: { ...settings.providers, teams: { enabled: true, ...teams }, meet: { enabled: true, ...meet } } } });
    };
    await company('on', { authenticatedBot: { enabled: true, account } });
    await company('off', { authenticatedBot: { enabled: false } });
    await company('nocreds', { authenticatedBot: { enabled: true } });
    // Meet's former key, as a document stored before all providers shared `authenticatedBot`.
    await company('legacy', {}, { signedInBot: { enabled: true, account } });
    const second = { email: 'bot2@acme.example', password: 'pw2' };
    await company('pool', { authenticatedBot: { enabled: true, account, accounts: [second, { ...account, email: 'BOT@acme.example' }] } });
    await company('shared', {}, { authenticatedBot: { enabled: true, accounts: [second], meetingsPerAccount: 2 } });
    bots = new SignedInBots({ companies, sessions: t.sessions, dataDir: t.dir, leases: new StoreLeases(t.store.db, { pollMs: 50 }) });
  });
  afterEach(async () => {
    await t.store.close();
  });

  /** A session of `companyId` whose earlier attempts ended with `endCodes`, now at its next attempt. */
  async function sessionAfter(companyId: string, provider: string, endCodes: EndCode[]): Promise<Session> {
    let session = await t.sessions.create(newSessionInput({ companyId, provider, meetingUrl: 'https://teams.microsoft.com/meet/1' }));
    for (const [i, endCode] of endCodes.entries()) {
      if (i > 0) session = await t.sessions.transition(session.id, 'scheduled', { code: 'retry' });
      session = await t.sessions.transition(session.id, 'failed', { code: 'x', endCode });
    }
    if (endCodes.length > 0) session = await t.sessions.transition(session.id, 'scheduled', { code: 'retry' });
    return session;
  }

  it('joins signed in from the first attempt when the authenticated bot is on, holding the account', async () => {
    const session = await sessionAfter('on', 'teams', []);
    expect(session.attempt).toBe(1);
    const use = await bots.forAttempt(session, signal, log);
    expect(use.join).toMatchObject({ authenticated: true, account: { email: account.email, password: 'pw' } });
    expect(await bots.leases.holder('teams:bot@acme.example')).toBe(session.id);
    await use.release();
    expect(await bots.leases.holder('teams:bot@acme.example')).toBeUndefined();
  });

  /** The `bot_accounts_busy` notes of a session's timeline. */
  const busyNotes = async (id: string) => (await t.sessions.timeline(id)).filter((e) => e.code === 'bot_accounts_busy').map((e) => e.details);

  it('joins as a guest at once when the account is in another meeting, and says so in the timeline', async () => {
    const other = await bots.leases.acquire('teams:bot@acme.example', 'another-session', signal, new Date(Date.now() + 5_000));
    // The meeting runs for an hour: the decision must not wait for the account to free up.
    const session = await sessionAfter('on', 'teams', []);
    const started = Date.now();
    const guest = await bots.forAttempt(session, signal, log);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(guest.join).toEqual({});
    expect(guest.busy).toEqual({ accounts: 1, reason: 'every bot account (1) was in other meetings, so the bot joined as a guest' });
    expect(await busyNotes(session.id)).toEqual([{ accounts: 1, meetingsPerAccount: 1, joinedAsGuest: true, reason: guest.busy?.reason }]);
    // The guest holds no account: the other meeting keeps it.
    await guest.release();
    expect(await bots.leases.holder('teams:bot@acme.example')).toBe('another-session');
    await other?.();
  });

  it('gives overlapping meetings different accounts of the pool, each email once, and a guest join only when every one is busy', async () => {
    const [first, second] = [await sessionAfter('pool', 'teams', []), await sessionAfter('pool', 'teams', [])];
    const [a, b] = [await bots.forAttempt(first, signal, log), await bots.forAttempt(second, signal, log)];
    expect([a.join.account?.email, b.join.account?.email]).toEqual(['Bot@Acme.example', 'bot2@acme.example']);
    expect([a.busy, b.busy]).toEqual([undefined, undefined]);
    expect(await bots.leases.holder('teams:bot2@acme.example')).toBe(second.id);
    // A third overlapping meeting: both accounts are busy (the repeated email is no third), so it goes as a guest.
    const third = await bots.forAttempt(await sessionAfter('pool', 'teams', []), signal, log);
    expect(third.join).toEqual({});
    expect(third.busy?.reason).toContain('every bot account (2) was in other meetings');
    // One freed: the next meeting takes it.
    await a.release();
    const fourth = await bots.forAttempt(await sessionAfter('pool', 'teams', []), signal, log);
    expect(fourth.join.account?.email).toBe('Bot@Acme.example');
    await Promise.all([b.release(), fourth.release()]);
  });

  it('lets one account into meetingsPerAccount meetings at once, as Google allows', async () => {
    const uses = [await bots.forAttempt(await sessionAfter('shared', 'meet', []), signal, log), await bots.forAttempt(await sessionAfter('shared', 'meet', []), signal, log)];
    expect(uses.map((use) => use.join.account?.email)).toEqual(['bot2@acme.example', 'bot2@acme.example']);
    const over = await sessionAfter('shared', 'meet', []);
    expect((await bots.forAttempt(over, signal, log)).busy?.accounts).toBe(1);
    expect(await busyNotes(over.id)).toEqual([expect.objectContaining({ accounts: 1, meetingsPerAccount: 2, joinedAsGuest: true })]);
    await Promise.all(uses.map((use) => use.release()));
  });

  it('after a guest met a sign-in wall, a retry that still finds every account busy ends with that wall; one that finds an account signs in', async () => {
    const other = await bots.leases.acquire('teams:bot@acme.example', 'another-session', signal, new Date(Date.now() + 5_000));
    const walled = await sessionAfter('on', 'teams', ['sign_in_required']);
    const use = await bots.forAttempt(walled, signal, log);
    expect(use.join).toEqual({});
    expect(use.busy).toMatchObject({ accounts: 1, wall: 'sign_in_required' });
    expect(use.busy?.reason).toContain('every bot account (1) was in other meetings');
    expect(await busyNotes(walled.id)).toEqual([expect.objectContaining({ joinedAsGuest: false, wall: 'sign_in_required' })]);
    await other?.();
    const signed = await bots.forAttempt(await sessionAfter('on', 'teams', ['blocked_by_captcha']), signal, log);
    expect(signed.join.authenticated).toBe(true);
    expect(signed.busy).toBeUndefined();
    await signed.release();
  });

  it("reads Meet's former key signedInBot", async () => {
    const use = await bots.forAttempt(await sessionAfter('legacy', 'meet', []), signal, log);
    expect(use.join.authenticated).toBe(true);
    await use.release();
  });

  it('falls back to anonymous for the attempt right after a refused sign-in, and signs in again after that', async () => {
    const fallback = await bots.forAttempt(await sessionAfter('on', 'teams', ['sign_in_failed']), signal, log);
    expect(fallback.join).toEqual({});
    const again = await bots.forAttempt(await sessionAfter('on', 'teams', ['sign_in_failed', 'sign_in_required']), signal, log);
    expect(again.join.authenticated).toBe(true);
    await again.release();
  });

  it('off: anonymous, and a retry after a wall ends at once with the wall code; on without an account: credentials_missing', async () => {
    expect((await bots.forAttempt(await sessionAfter('off', 'teams', []), signal, log)).join).toEqual({});
    const walled = await bots.forAttempt(await sessionAfter('off', 'teams', ['blocked_by_captcha']), signal, log).catch((e: unknown) => e);
    expect(isSessionError(walled) && walled.endCode).toBe('blocked_by_captcha');
    const missing = await bots.forAttempt(await sessionAfter('nocreds', 'teams', []), signal, log).catch((e: unknown) => e);
    expect(isSessionError(missing) && missing.endCode).toBe('credentials_missing');
  });
});
