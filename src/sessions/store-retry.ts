import { TransitionError } from './session-store.js';

/** Waits between tries of a store write: about 8 s in all, what a database restart or failover takes. */
export const storeRetryDelaysMs = [250, 500, 1_000, 2_000, 4_000] as const;

/**
 * Runs a store write of a bot's attempt, trying again while the store fails for reasons of its own (a database
 * restarting, a connection lost): losing the write would end an attempt that is recording well `internal_error`.
 * A refusal (TransitionError, StaleAttemptError) is an answer, not a failure, and is thrown at once. `landed`
 * tells whether a try that failed was written after all (the answer, not the commit, was lost), so it is not
 * written twice.
 */
export async function withStoreRetry<T>(write: () => Promise<T>, landed?: () => Promise<T | undefined>, delaysMs: readonly number[] = storeRetryDelaysMs): Promise<T> {
  for (let tries = 0; ; tries += 1) {
    try {
      return await write();
    } catch (error) {
      if (error instanceof TransitionError) throw error;
      const delay = delaysMs[tries];
      if (delay === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      const written = await landed?.().catch(() => undefined);
      if (written !== undefined) return written;
    }
  }
}
