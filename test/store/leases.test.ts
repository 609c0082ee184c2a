import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreLeases } from '../../src/store/leases.js';
import { dialects, openTestStore, type TestStore } from '../helpers/store.js';

const later = (ms: number) => new Date(Date.now() + ms);

/** The release of a lease the test expects to get. */
function taken(release: (() => Promise<void>) | undefined): () => Promise<void> {
  if (!release) throw new Error('the lease was not taken before its deadline');
  return release;
}

describe.each(dialects)('store leases on %s', (dialect) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(dialect);
  });
  afterEach(async () => {
    await t.store.close();
  });

  it('gives one account to one holder at a time across processes, then to each waiter in turn', async () => {
    // Two lease objects on one store stand for two worker processes.
    const [here, there] = [new StoreLeases(t.store.db, { pollMs: 50 }), new StoreLeases(t.store.db, { pollMs: 50 })];
    const signal = new AbortController().signal;
    const release = taken(await here.acquire('teams:bot@x', 's1', signal, later(5_000)));
    const holders: string[] = [];
    const take = async (leases: StoreLeases, holder: string) => {
      const done = taken(await leases.acquire('teams:bot@x', holder, signal, later(5_000)));
      holders.push(`${holder} took, holder now ${(await leases.holder('teams:bot@x')) ?? 'none'}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await done();
    };
    const waiting = [take(there, 's2'), take(here, 's3')];
    // Another account is independent.
    await taken(await there.acquire('teams:other@x', 's4', signal, later(5_000)))();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(holders).toEqual([]);
    expect(await there.holder('teams:bot@x')).toBe('s1');
    await release();
    await Promise.all(waiting);
    expect(holders.sort()).toEqual(['s2 took, holder now s2', 's3 took, holder now s3']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await here.holder('teams:bot@x')).toBeUndefined();
  });

  it('gives up at the deadline while another holds the key, and stops waiting on abort', async () => {
    const leases = new StoreLeases(t.store.db, { pollMs: 50 });
    await leases.acquire('webex:bot@x', 's1', new AbortController().signal, later(5_000));
    expect(await leases.acquire('webex:bot@x', 's2', new AbortController().signal, later(200))).toBeUndefined();
    const controller = new AbortController();
    const waiting = leases.acquire('webex:bot@x', 's3', controller.signal, later(5_000)).catch((e: unknown) => e);
    controller.abort();
    expect(await waiting).toBeInstanceOf(Error);
    expect(await leases.holder('webex:bot@x')).toBe('s1');
  });

  it('frees the lease of a process that died (no renewal) once it expires, and renews a live one', async () => {
    // What a process that died leaves behind: its lease row, no longer renewed.
    await t.store.db.insertInto('account_leases').values({ key: 'teams:bot@x', holder: 's1', expires_at: later(300).toISOString() }).execute();
    const other = new StoreLeases(t.store.db, { pollMs: 50 });
    expect(await other.holder('teams:bot@x')).toBe('s1');
    const release = taken(await other.acquire('teams:bot@x', 's2', new AbortController().signal, later(5_000)));
    expect(await other.holder('teams:bot@x')).toBe('s2');
    await release();
    // Past twice its lifetime; long enough that a machine busy with bots does not starve a renewal past it.
    const live = new StoreLeases(t.store.db, { ttlMs: 1_500 });
    const keep = taken(await live.acquire('teams:live@x', 's3', new AbortController().signal, later(5_000)));
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    expect(await live.holder('teams:live@x')).toBe('s3');
    await keep();
  });
});
