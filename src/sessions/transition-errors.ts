import type { Session } from './session.js';
import type { SessionState } from './states.js';

/** How a state change is refused: a move the table forbids, or a write from an attempt that no longer holds the session. */

export interface AttemptFence {
  attempt: number;
  /** The worker that leased the attempt; absent or null: any worker (a run that was never leased). */
  workerId?: string | null;
}

export class TransitionError extends Error {
  constructor(
    readonly sessionId: string,
    readonly from: SessionState | undefined,
    readonly to: SessionState,
  ) {
    super(from ? `session ${sessionId} cannot go from ${from} to ${to}` : `session ${sessionId} does not exist`);
    this.name = 'TransitionError';
  }
}

/** A move refused because it belongs to an attempt that is no longer the session's current one (or its worker's). */
export class StaleAttemptError extends TransitionError {
  constructor(
    sessionId: string,
    from: SessionState,
    to: SessionState,
    readonly fence: AttemptFence,
    readonly current: { attempt: number; workerId: string | null },
  ) {
    super(sessionId, from, to);
    this.name = 'StaleAttemptError';
    this.message = `session ${sessionId}: attempt ${fence.attempt}${fence.workerId ? ` of worker ${fence.workerId}` : ''} no longer holds it (attempt ${current.attempt}, worker ${current.workerId ?? 'none'}); refused ${from} to ${to}`;
  }
}

export function isStaleAttempt(error: unknown): error is StaleAttemptError {
  return error instanceof StaleAttemptError;
}

/** Whether the attempt (and worker) of `fence` no longer holds the session as it is now. */
export function staleFence(fence: AttemptFence, current: Pick<Session, 'attempt' | 'workerId'>): boolean {
  if (current.attempt !== fence.attempt) return true;
  return Boolean(fence.workerId) && current.workerId !== fence.workerId;
}
