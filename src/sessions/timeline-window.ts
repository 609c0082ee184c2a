import type { Kysely, Selectable } from 'kysely';
import type { Database, EventTable } from '../store/schema.js';
import type { TimelineEvent } from './session.js';
import type { SessionState } from './states.js';

/**
 * A long timeline read in parts: a live view refreshes the first events and the newest ones, and reads the
 * middle only when asked. Each part is one indexed query with a LIMIT (`events_session` on session_id, id), so
 * the cost of a refresh does not grow with the timeline.
 */

export interface TimelineWindow {
  /** The first `first` events and the newest `newest`, in timeline order, each once (they meet on a short timeline). */
  events: TimelineEvent[];
  /** How many events the session has (up to the newest one read). */
  total: number;
}

export interface TimelinePageQuery {
  /** Only events with an id below this one (exclusive); absent: up to the newest. */
  before?: number;
  /** Only events with an id above this one (exclusive); absent: from the first. */
  after?: number;
  limit: number;
}

export interface TimelinePage {
  /** The `limit` events just before `before` (and after `after`), in timeline order (oldest first). */
  events: TimelineEvent[];
  /** Whether more events lie before the page's first one (and after `after`): the next page is `before=events[0].id`. */
  more: boolean;
}

/** A stored event row as the API shows it. */
export function toTimelineEvent(row: Selectable<EventTable>): TimelineEvent {
  return {
    id: Number(row.id),
    attempt: row.attempt,
    at: row.at,
    from: row.from_state as SessionState | null,
    to: row.to_state as SessionState | null,
    code: row.code,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
  };
}

export async function readTimelineWindow(db: Kysely<Database>, sessionId: string, first: number, newest: number): Promise<TimelineWindow> {
  const events = db.selectFrom('events').selectAll().where('session_id', '=', sessionId);
  const tail = newest > 0 ? await events.orderBy('id', 'desc').limit(newest).execute() : [];
  const last = tail[0]?.id;
  // Counted up to the newest event read: one written meanwhile is in neither the events nor the total.
  let counted = db.selectFrom('events').select((eb) => eb.fn.countAll().as('count')).where('session_id', '=', sessionId);
  if (last !== undefined) counted = counted.where('id', '<=', last);
  const opening = last === undefined ? events : events.where('id', '<=', last);
  const [head, count] = await Promise.all([first > 0 ? opening.orderBy('id', 'asc').limit(first).execute() : [], counted.executeTakeFirst()]);
  const byId = new Map([...head, ...tail.reverse()].map((row) => [Number(row.id), row]));
  const rows = [...byId.values()].sort((a, b) => Number(a.id) - Number(b.id));
  return { events: rows.map(toTimelineEvent), total: Number(count?.count ?? 0) };
}

export async function readTimelinePage(db: Kysely<Database>, sessionId: string, query: TimelinePageQuery): Promise<TimelinePage> {
  let events = db.selectFrom('events').selectAll().where('session_id', '=', sessionId);
  if (query.before !== undefined) events = events.where('id', '<', query.before);
  if (query.after !== undefined) events = events.where('id', '>', query.after);
  // One more than asked: whether it comes says whether another page follows, without a count.
  const rows = await events.orderBy('id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit).reverse();
  return { events: page.map(toTimelineEvent), more: rows.length > query.limit };
}
