import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { CompanyStore } from '../../src/companies/company-store.js';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import { AccountLeases, EncryptedStateFile, SignedInBots } from '../../src/scheduler/account-lease.js';
import type { EndCode } from '../../src/sessions/end-codes.js';
import type { Session } from '../../src/sessions/session.js';
import { isSessionError } from '../../src/sessions/session-error.js';
import { dialects, newSessionInput, openTestStore, type TestStore } from '../helpers/store.js';

const later = (ms: number) => new Date(Date.now() + ms);

describe.each(dialects)('account leases on %s', (dialect) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(dialect);
  });
  afterEach(async () => {
    await t.store.close();
  });

  it('gives one account to one holder at a time across processes, then to each waiter in turn', async () => {
    // Two lease objects on one store stand for two worker processes.
    const [here, there] = [new AccountLeases(t.store.db, { pollMs: 50 }), new AccountLeases(t.store.db, { pollMs: 50 })];
    const signal = new AbortController().signal;
    const release = await here.acquire('teams:bot@x', 's1', signal, later(5_000));
    const holders: string[] = [];
    const take = async (leases: AccountLeases, holder: string) => {
      const done = await leases.acquire('teams:bot@x', holder, signal, later(5_000));
      holders.push(`${holder} took, holder now ${(await leases.holder('teams:bot@x')) ?? 'none'}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await done();
    };
    const waiting = [take(there, 's2'), take(here, 's3')];
    // Another account is independent.
    await (await there.acquire('teams:other@x', 's4', signal, later(5_000)))();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(holders).toEqual([]);
    expect(await there.holder('teams:bot@x')).toBe('s1');
    await release();
    await Promise.all(waiting);
    expect(holders.sort()).toEqual(['s2 took, holder now s2', 's3 took, holder now s3']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await here.holder('teams:bot@x')).toBeUndefined();
  });

  it('fails account_busy when the account stays busy past the deadline, and stops waiting on abort', async () => {
    const leases = new AccountLeases(t.store.db, { pollMs: 50 });
    await leases.acquire('webex:bot@x', 's1', new AbortController().signal, later(5_000));
    const busy = await leases.acquire('webex:bot@x', 's2', new AbortController().signal, later(200)).catch((e: unknown) => e);
    expect(isSessionError(busy) && busy.endCode).toBe('account_busy');
    const controller = new AbortController();
    const waiting = leases.acquire('webex:bot@x', 's3', controller.signal, later(5_000)).catch((e: unknown) => e);
    controller.abort();
    expect(await waiting).toBeInstanceOf(Error);
    expect(await leases.holder('webex:bot@x')).toBe('s1');
  });

  it('frees the lease of a process that died (no renewal) once it expires, and renews a live one', async () => {
    // What a process that died leaves behind: its lease row, no longer renewed.
    await t.store.db.insertInto('account_leases').values({ key: 'teams:bot@x', holder: 's1', expires_at: later(300).toISOString() }).execute();
    const other = new AccountLeases(t.store.db, { pollMs: 50 });
    expect(await other.holder('teams:bot@x')).toBe('s1');
    const release = await other.acquire('teams:bot@x', 's2', new AbortController().signal, later(5_000));
    expect(await other.holder('teams:bot@x')).toBe('s2');
    await release();
    // Past twice its lifetime; long enough that a machine busy with bots does not starve a renewal past it.
    const live = new AccountLeases(t.store.db, { ttlMs: 1_500 });
    const keep = await live.acquire('teams:live@x', 's3', new AbortController().signal, later(5_000));
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    expect(await live.holder('teams:live@x')).toBe('s3');
    await keep();
  });
});

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
    bots = new SignedInBots({ companies, sessions: t.sessions, dataDir: t.dir, leases: new AccountLeases(t.store.db, { pollMs: 50 }) });
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
