import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Named leases held across every process that shares the store (table `account_leases`, first made for bot
 * accounts, which one meeting at a time may use). The holder renews its lease while it holds it, and the
 * lease of a process that died expires after `ttlMs`. Waiters poll; a release in this process wakes its
 * local waiters at once.
 */
export class StoreLeases {
  private readonly localRelease = new EventTarget();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: { ttlMs?: number; pollMs?: number } = {},
  ) {}

  private get ttlMs(): number {
    return this.options.ttlMs ?? 60_000;
  }

  /** Who holds `key` now, if anyone. */
  async holder(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('account_leases').select('holder').where('key', '=', key).where('expires_at', '>', new Date().toISOString()).executeTakeFirst();
    return row?.holder;
  }

  /**
   * Waits until `key` is free and takes it; the returned function releases it. Undefined when someone else
   * still holds it at `deadline`; an abort throws.
   */
  async acquire(key: string, holder: string, signal: AbortSignal, deadline: Date): Promise<(() => Promise<void>) | undefined> {
    return (await this.acquireAny([key], holder, signal, deadline))?.release;
  }

  /**
   * Waits until one of `keys` is free and takes it, trying them in order (the first free one wins): a pool of
   * equivalent leases, e.g. several bot accounts. Undefined when all are still held at `deadline`; an abort throws.
   */
  async acquireAny(keys: readonly string[], holder: string, signal: AbortSignal, deadline: Date): Promise<{ key: string; release: () => Promise<void> } | undefined> {
    for (;;) {
      for (const key of keys) if (await this.tryTake(key, holder)) return { key, release: this.held(key, holder) };
      if (signal.aborted) throw new Error(`aborted while waiting for the lease ${keys.join(', ')}`);
      const waitMs = deadline.getTime() - Date.now();
      if (waitMs <= 0) return undefined;
      await this.nextChance(keys, signal, Math.min(waitMs, this.options.pollMs ?? 1000));
    }
  }

  /**
   * Runs `work` holding `key`, so the same work arriving twice at once (a double-click, two API processes) runs one
   * after the other. Work that waited `waitMs` for another holder runs anyway, after `onTimeout`: nothing is lost,
   * at worst it is done twice.
   */
  async serialize<T>(key: string, waitMs: number, work: () => Promise<T>, onTimeout: () => void): Promise<T> {
    const release = await this.acquire(key, randomUUID(), new AbortController().signal, new Date(Date.now() + waitMs));
    if (!release) onTimeout();
    try {
      return await work();
    } finally {
      await release?.();
    }
  }

  /** Takes `key` if it is free now, without waiting; undefined when someone else holds it. */
  async tryAcquire(key: string, holder: string): Promise<(() => Promise<void>) | undefined> {
    return (await this.tryTake(key, holder)) ? this.held(key, holder) : undefined;
  }

  /** Keeps a taken lease renewed until the returned function releases it. */
  private held(key: string, holder: string): () => Promise<void> {
    const renew = setInterval(() => void this.renew(key, holder), this.ttlMs / 3);
    renew.unref();
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      clearInterval(renew);
      // A failed delete (the store is closing) leaves a row that lapses after ttlMs, like a dead holder's.
      await this.db
        .deleteFrom('account_leases')
        .where('key', '=', key)
        .where('holder', '=', holder)
        .execute()
        .catch(() => undefined);
      this.localRelease.dispatchEvent(new Event(key));
    };
  }

  /** Takes the lease when it is free, expired, or already this holder's (a retry of the same session). */
  private async tryTake(key: string, holder: string): Promise<boolean> {
    const now = new Date().toISOString();
    const expires_at = new Date(Date.now() + this.ttlMs).toISOString();
    await this.db
      .insertInto('account_leases')
      .values({ key, holder, expires_at })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ holder, expires_at })
          .where((eb) => eb.or([eb('account_leases.expires_at', '<=', now), eb('account_leases.holder', '=', holder)])),
      )
      .execute();
    return (await this.holder(key)) === holder;
  }

  private async renew(key: string, holder: string): Promise<void> {
    const expires_at = new Date(Date.now() + this.ttlMs).toISOString();
    await this.db.updateTable('account_leases').set({ expires_at }).where('key', '=', key).where('holder', '=', holder).execute().catch(() => undefined);
  }

  private nextChance(keys: readonly string[], signal: AbortSignal, waitMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        for (const key of keys) this.localRelease.removeEventListener(key, done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      signal.addEventListener('abort', done, { once: true });
      for (const key of keys) this.localRelease.addEventListener(key, done, { once: true });
    });
  }

}
