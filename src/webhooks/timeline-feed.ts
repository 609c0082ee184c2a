import type { Kysely } from 'kysely';
import type { TimelineEvent } from '../sessions/session.js';
import { toTimelineEvent } from '../sessions/timeline-window.js';
import type { Database } from '../store/schema.js';

/**
 * The timeline table read as one ordered feed of every company's events, which is what webhook deliveries are
 * derived from: a delivery is a position in the feed, so nothing the timeline holds can be missed by a process
 * that was down, busy or not told (the live bus only says "look now").
 */

/** A timeline event with its session and that session's company. */
export interface FeedEvent extends TimelineEvent {
  sessionId: string;
  /** Null when the session row is gone: nothing to tell anyone. */
  companyId: string | null;
}

/** Events with an id of at least `fromId`, in id order, with their session's company. */
export async function readFeed(db: Kysely<Database>, fromId: number, limit: number): Promise<FeedEvent[]> {
  const rows = await db
    .selectFrom('events')
    .leftJoin('sessions', 'sessions.id', 'events.session_id')
    .select(['events.id', 'events.session_id', 'events.attempt', 'events.at', 'events.from_state', 'events.to_state', 'events.code', 'events.details', 'sessions.company_id'])
    .where('events.id', '>=', fromId)
    .orderBy('events.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...toTimelineEvent(row), sessionId: row.session_id, companyId: row.company_id }));
}

/** The newest event id (0 on an empty timeline). */
export async function newestEventId(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('events').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? Number(row.id) : 0;
}

/**
 * The id of the newest event written before `at` (0 if none): where a new endpoint's feed begins. Walks back from
 * the newest event by id, so it reads only what came after `at`.
 */
export async function lastEventBefore(db: Kysely<Database>, at: string): Promise<number> {
  const row = await db.selectFrom('events').select('id').where('at', '<', at).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? Number(row.id) : 0;
}

/**
 * The leading part of `events` (read after `afterId`) that may be handled now. Ids are handed out when an event is
 * inserted, not when its transaction commits: in PostgreSQL, with several processes writing, event 11 can be seen
 * before event 10 commits. A gap is therefore waited on until the event after it is `graceMs` old; a gap that old is
 * a rolled-back insert (an intake savepoint, a failed transition) and is passed over. SQLite commits one writer at a
 * time, in id order, so there it only ever meets gaps of that second kind.
 */
export function settledPrefix(events: readonly FeedEvent[], afterId: number, nowMs: number, graceMs: number): { events: FeedEvent[]; waitUntilMs?: number } {
  let previous = afterId;
  for (const [index, event] of events.entries()) {
    if (event.id > previous + 1) {
      const settlesAt = Date.parse(event.at) + graceMs;
      if (settlesAt > nowMs) return { events: events.slice(0, index), waitUntilMs: settlesAt };
    }
    previous = Math.max(previous, event.id);
  }
  return { events: [...events] };
}
