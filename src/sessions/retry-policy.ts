import type { EndCode } from './end-codes.js';

/**
 * Whether an ended attempt is tried again, keyed by end code and kept apart from the code that detects
 * failures. Transient infrastructure failures are retried; `ui_changed` once (a slow page, not drift, is the
 * common cause); everything else is the meeting's own answer and final. Operators can retry any session.
 */
export const retryPolicy: Partial<Record<EndCode, { maxAttempts: number }>> = {
  browser_crashed: { maxAttempts: 3 },
  worker_lost: { maxAttempts: 3 },
  internal_error: { maxAttempts: 3 },
  // Retried once, after the backoff: space may have been freed by then and the meeting still runs; a disk that stays
  // full ends the retry at its first chunk, so more attempts would only make the bot join and leave again.
  storage_full: { maxAttempts: 2 },
  ui_changed: { maxAttempts: 2 },
  // Retried once: with the authenticated bot off the retry ends at once with the same code (SignedInBots); on, it signs in afresh.
  blocked_by_captcha: { maxAttempts: 2 },
  sign_in_required: { maxAttempts: 2 },
  // Retried once, anonymously (SignedInBots): a bot account that cannot sign in should not cost a meeting that admits guests.
  sign_in_failed: { maxAttempts: 2 },
  // Retried once: the SDK failing to ask for recording permission can be a passing hiccup (a call made before the SDK
  // was ready); a missing API or a disabled setting fails the same way again, so more attempts would only rejoin.
  recording_permission_unavailable: { maxAttempts: 2 },
};

/**
 * Why a bot left a meeting that goes on, to be back in it at once. `deaf`: it heard nothing while others were
 * present (src/runner/deaf.ts), and its attempt ended `no_audio`.
 *
 * Not an end code, and not in the table above: `no_audio` is also the label of a bot that stayed to the end of a
 * meeting and heard nothing, and retrying that would join a meeting that is over. Only the runner knows which of
 * the two it was, so the bot run's result says so (`AttemptEnd`) and the scheduler passes it on here; detection
 * stays in the runner, the decision here. The runner leaves for deafness once per session, so this cannot loop.
 */
export type Rejoin = 'deaf';

/** What a bot run tells the retry decision beyond its end code. */
export interface AttemptEnd {
  rejoin?: Rejoin | undefined;
}

export interface RetryInput extends AttemptEnd {
  endCode: EndCode;
  attempt: number;
  endsAt: Date;
  now: Date;
  backoffSeconds: number;
}

/**
 * The time of the next automatic attempt, or undefined when the session should stay ended: out of attempts, or
 * the backoff would end after the meeting (a bot would join a meeting that is over). A deaf bot's rejoin is now.
 */
export function nextAttemptAt(input: RetryInput): Date | undefined {
  // No backoff: the meeting goes on without a recording meanwhile, and nothing failed that waiting would mend.
  if (input.rejoin === 'deaf' && input.endCode === 'no_audio') return input.now < input.endsAt ? input.now : undefined;
  const rule = retryPolicy[input.endCode];
  if (!rule || input.attempt >= rule.maxAttempts) return undefined;
  const delayMs = input.backoffSeconds * 1000 * 2 ** (input.attempt - 1);
  const at = input.now.getTime() + delayMs;
  return at < input.endsAt.getTime() ? new Date(at) : undefined;
}
