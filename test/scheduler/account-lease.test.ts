import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountLeases, EncryptedStateFile } from '../../src/scheduler/account-lease.js';
import { isSessionError } from '../../src/sessions/session-error.js';
import { dialects, openTestStore, type TestStore } from '../helpers/store.js';

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
    const live = new AccountLeases(t.store.db, { ttlMs: 300 });
    const keep = await live.acquire('teams:live@x', 's3', new AbortController().signal, later(5_000));
    await new Promise((resolve) => setTimeout(resolve, 700));
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
