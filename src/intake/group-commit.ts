import { sql, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { MeetingsStore } from './meetings-store.js';

export type StoreWork = (store: MeetingsStore, trx: Transaction<Database>) => Promise<void>;

interface Queued {
  work: StoreWork;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: the writes of the invites being received at the same time go into one transaction. A
 * commit costs about the pages it writes, and consecutive sessions, messages and their indexes share
 * pages, so one commit for several messages writes far less than one each. Each message's writes run
 * under their own savepoint: one that fails is rolled back and rejected alone. Callers still learn of
 * their commit only once it is durable, so a 250 still means "stored".
 */
export class GroupCommit {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(private readonly store: MeetingsStore) {}

  run(work: StoreWork): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ work, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // The end of this turn of the event loop: whatever other messages reached their commit meanwhile join.
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    const failures = new Map<Queued, unknown>();
    try {
      await this.store.transaction(async (store, trx) => {
        if (batch.length === 1 && batch[0]) return batch[0].work(store, trx);
        for (const entry of batch) {
          await sql`savepoint invite`.execute(trx);
          try {
            await entry.work(store, trx);
          } catch (error) {
            failures.set(entry, error);
            await sql`rollback to savepoint invite`.execute(trx);
          }
          await sql`release savepoint invite`.execute(trx);
        }
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    for (const entry of batch) {
      if (failures.has(entry)) entry.reject(failures.get(entry));
      else entry.resolve();
    }
  }
}
