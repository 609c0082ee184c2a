import type { Session } from '../sessions/session.js';
import type { SessionStore } from '../sessions/session-store.js';

/** A join this late is worth a warning: its bot waited for a free slot, or no process ran at its time. */
export const lateWarnMs = 30_000;
/** Lateness below this is the queue's own granularity, not worth a word on the timeline. */
const lateNoteMs = 5_000;

export interface Lateness {
  /** From the join's due time to now (0 when on time). */
  lateMs: number;
  /** The meeting ended while the join waited: it was due during the meeting, so the wait was Quorum's, not the requester's. */
  tooLate: boolean;
}

export function latenessOf(session: Session, now: number): Lateness {
  const joinAt = Date.parse(session.joinAt);
  const endsAt = Date.parse(session.endsAt);
  // A Zoom cloud fetch starts with the meeting and waits for its end: being after the end is its normal course.
  const tooLate = session.plan !== 'zoom_cloud' && joinAt < endsAt && endsAt <= now;
  return { lateMs: Math.max(0, now - joinAt), tooLate };
}

/** What the `dispatched` timeline event says of a late start. */
export function lateDetails(late: Lateness): Record<string, number> {
  return late.lateMs >= lateNoteMs ? { lateSeconds: Math.round(late.lateMs / 1000) } : {};
}

/**
 * Ends a join that waited past its meeting's end. Cancelling it `meeting_over` (what the join-time check would
 * say) would blame the request: it was made in time, and the bot could not start (every slot busy, or no process).
 */
export function endTooLate(sessions: SessionStore, session: Session, late: Lateness, slots: { running: number; concurrency: number }): Promise<Session> {
  return sessions.transition(session.id, 'failed', {
    code: 'started_too_late',
    endCode: 'started_too_late',
    details: { lateSeconds: Math.round(late.lateMs / 1000), endsAt: session.endsAt, ...slots },
  });
}
