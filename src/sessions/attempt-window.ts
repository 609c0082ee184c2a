import type { Kysely, Selectable } from 'kysely';
import type { AttemptTable, Database } from '../store/schema.js';
import type { EndCode } from './end-codes.js';
import type { Attempt } from './session.js';
import type { TimelinePageQuery } from './timeline-window.js';

/**
 * A session's attempts read in parts, like its timeline (timeline-window.ts): automatic retries stop after a few,
 * but every operator or scripted retry adds one without bound. Each part is one query on the primary key
 * (session_id, number) with a LIMIT.
 */

export interface AttemptWindow {
  /** The first `first` attempts and the newest `newest`, by number, each once (they meet on a short list). */
  attempts: Attempt[];
  /** How many attempts the session has (up to the newest one read). */
  total: number;
}

/** The same keyset bounds as a timeline page, on the attempt number (both exclusive). */
export type AttemptPageQuery = TimelinePageQuery;

export interface AttemptPage {
  /** The `limit` attempts just before `before` (and after `after`), oldest first. */
  attempts: Attempt[];
  /** Whether more attempts lie before the page's first one (and after `after`). */
  more: boolean;
}

/** A stored attempt row as the API shows it. */
export function toAttempt(row: Selectable<AttemptTable>): Attempt {
  return {
    number: row.number,
    reason: row.reason,
    createdAt: row.created_at,
    startedAt: row.started_at,
    admittedAt: row.admitted_at,
    endedAt: row.ended_at,
    endCode: row.end_code as EndCode | null,
    workerId: row.worker_id,
  };
}

export async function readAttemptWindow(db: Kysely<Database>, sessionId: string, first: number, newest: number): Promise<AttemptWindow> {
  const attempts = db.selectFrom('attempts').selectAll().where('session_id', '=', sessionId);
  const tail = newest > 0 ? await attempts.orderBy('number', 'desc').limit(newest).execute() : [];
  const last = tail[0]?.number;
  // Counted up to the newest attempt read: a retry started meanwhile is in neither the attempts nor the total.
  let counted = db.selectFrom('attempts').select((eb) => eb.fn.countAll().as('count')).where('session_id', '=', sessionId);
  if (last !== undefined) counted = counted.where('number', '<=', last);
  const opening = last === undefined ? attempts : attempts.where('number', '<=', last);
  const [head, count] = await Promise.all([first > 0 ? opening.orderBy('number', 'asc').limit(first).execute() : [], counted.executeTakeFirst()]);
  const byNumber = new Map([...head, ...tail.reverse()].map((row) => [row.number, row]));
  const rows = [...byNumber.values()].sort((a, b) => a.number - b.number);
  return { attempts: rows.map(toAttempt), total: Number(count?.count ?? 0) };
}

export async function readAttemptPage(db: Kysely<Database>, sessionId: string, query: AttemptPageQuery): Promise<AttemptPage> {
  let attempts = db.selectFrom('attempts').selectAll().where('session_id', '=', sessionId);
  if (query.before !== undefined) attempts = attempts.where('number', '<', query.before);
  if (query.after !== undefined) attempts = attempts.where('number', '>', query.after);
  // One more than asked: whether it comes says whether another page follows, without a count.
  const rows = await attempts.orderBy('number', 'desc').limit(query.limit + 1).execute();
  return { attempts: rows.slice(0, query.limit).reverse().map(toAttempt), more: rows.length > query.limit };
}
