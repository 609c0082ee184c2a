import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { topics, type LiveBus } from '../bus.js';
import type { Database, SessionTable } from '../store/schema.js';
import type { EndCode } from './end-codes.js';
import { newSessionOf, toSession, type Attempt, type Plan, type Session, type TimelineEvent } from './session.js';
import { activeStates, canTransition, endedStates, isEnded, type SessionState } from './states.js';
import { StaleAttemptError, staleFence, TransitionError, type AttemptFence } from './transition-errors.js';

export { isStaleAttempt, StaleAttemptError, staleFence, TransitionError, type AttemptFence } from './transition-errors.js';
import { readAttemptPage, readAttemptWindow, toAttempt, type AttemptPage, type AttemptPageQuery, type AttemptWindow } from './attempt-window.js';
import { readTimelinePage, readTimelineWindow, toTimelineEvent, type TimelinePage, type TimelinePageQuery, type TimelineWindow } from './timeline-window.js';
import { decisionToJson } from '../eligibility/stored-decision.js';

export interface NewSession {
  companyId: string;
  provider: string;
  plan: Plan;
  meetingUrl: string;
  title?: string | null;
  requestedBy?: string | null;
  startsAt: Date;
  endsAt: Date;
  joinAt: Date;
  decision?: unknown;
  /** The meeting's passcode, when the invite or request states one; a secret (see `Session.passcode`). */
  passcode?: string;
}

export interface TransitionOptions {
  code: string;
  details?: Record<string, unknown>;
  endCode?: EndCode;
  /** For a move back to `scheduled`: when the new attempt should join, and why it exists. */
  joinAt?: Date;
  attemptReason?: string;
  /**
   * The attempt (and worker) a bot run's move belongs to. A worker that lost its lease may still be running its
   * bot: its late moves must not move the attempt that recovery started since. Absent: the caller acts on
   * whatever attempt is current (operator retry and stop, recovery, consent, intake).
   */
  fence?: AttemptFence;
}


export interface SessionFilter {
  state?: SessionState;
  provider?: string;
  companyId?: string;
  limit?: number;
  /** Paging: only sessions created before this ISO time. */
  before?: string;
  endCode?: string;
  /** Time range on `created_at` (ISO, `from` inclusive, `to` exclusive): the order the list is paged in. */
  from?: string;
  to?: string;
  /** Case-insensitive text search in the meeting title or URL. */
  q?: string;
  /** Keyset paging: `nextCursor` of the previous page (stays fast however deep the page). */
  cursor?: string;
}

/** The keyset of a list row: (created_at, id), both descending. */
export function sessionCursor(session: Pick<Session, 'createdAt' | 'id'>): string {
  return `${session.createdAt}|${session.id}`;
}

export interface SessionChange {
  session: Session;
  event: TimelineEvent;
}

const iso = (date: Date = new Date()) => date.toISOString();

/** Sessions, their attempts and their timeline. The only place that writes a session's state. */
export class SessionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly bus: LiveBus,
  ) {}

  async create(input: NewSession): Promise<Session> {
    const change = await this.db.transaction().execute((trx) => insertSession(trx, newSessionRow(randomUUID(), input, iso()), input.decision));
    this.bus.publish(topics.sessions, change);
    return change.session;
  }

  /** Announces a session written by `insertSession` in a caller's transaction, once that has committed. */
  published(change: SessionChange): void {
    this.bus.publish(topics.sessions, change);
  }

  async get(id: string): Promise<Session | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toSession(row) : undefined;
  }

  /** The meeting passcode kept with the session, for the bot that joins it; never for an answer or a log line. */
  async passcode(id: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('sessions').select('passcode').where('id', '=', id).executeTakeFirst();
    return row?.passcode ?? undefined;
  }

  async list(filter: SessionFilter = {}): Promise<Session[]> {
    let query = this.db.selectFrom('sessions').selectAll();
    if (filter.state) query = query.where('state', '=', filter.state);
    if (filter.provider) query = query.where('provider', '=', filter.provider);
    if (filter.companyId) query = query.where('company_id', '=', filter.companyId);
    if (filter.before) query = query.where('created_at', '<', filter.before);
    if (filter.endCode) query = query.where('end_code', '=', filter.endCode);
    if (filter.from) query = query.where('created_at', '>=', filter.from);
    if (filter.to) query = query.where('created_at', '<', filter.to);
    if (filter.q) {
      const pattern = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where(sql<boolean>`(lower(coalesce(title, '')) like ${pattern} escape '\\' or lower(meeting_url) like ${pattern} escape '\\')`);
    }
    const cursor = filter.cursor ? parseCursor(filter.cursor) : undefined;
    if (cursor) {
      query = query.where((eb) =>
        eb.or([eb('created_at', '<', cursor.createdAt), eb.and([eb('created_at', '=', cursor.createdAt), eb('id', '<', cursor.id)])]),
      );
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(toSession);
  }

  async countByState(filter: { companyId?: string } = {}): Promise<Record<string, number>> {
    let query = this.db.selectFrom('sessions').select(['state', (eb) => eb.fn.countAll<number>().as('count')]);
    if (filter.companyId) query = query.where('company_id', '=', filter.companyId);
    const rows = await query.groupBy('state').execute();
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.count)]));
  }

  /** Moves a session through the transition table, storing the move as a timeline event. */
  async transition(id: string, to: SessionState, options: TransitionOptions): Promise<Session> {
    const change = await this.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
      const from = current?.state as SessionState | undefined;
      if (!current || !from) throw new TransitionError(id, from, to);
      if (options.fence && staleFence(options.fence, { attempt: current.attempt, workerId: current.worker_id })) {
        throw new StaleAttemptError(id, from, to, options.fence, { attempt: current.attempt, workerId: current.worker_id });
      }
      if (!canTransition(from, to)) throw new TransitionError(id, from, to);
      const now = iso();
      const newAttempt = isEnded(from) && to === 'scheduled';
      const attempt = newAttempt ? current.attempt + 1 : current.attempt;
      const updated = await trx
        .updateTable('sessions')
        .set({
          state: to,
          updated_at: now,
          attempt,
          end_code: newAttempt ? null : (options.endCode ?? current.end_code),
          join_at: options.joinAt ? iso(options.joinAt) : current.join_at,
          ...(isEnded(to) || to === 'scheduled' ? { worker_id: null, lease_until: null } : {}),
        })
        .where('id', '=', id)
        .where('state', '=', from)
        .where('attempt', '=', current.attempt)
        .executeTakeFirst();
      // Another transaction moved the row after the read above (PostgreSQL's read committed): nothing is written.
      if (updated.numUpdatedRows !== 1n) throw new TransitionError(id, from, to);
      if (newAttempt) await insertAttempt(trx, id, attempt, options.attemptReason ?? 'retry', now);
      await updateAttempt(trx, id, attempt, to, now, options.endCode);
      const details = { ...options.details, ...(options.endCode ? { endCode: options.endCode } : {}) };
      const event = await insertEvent(trx, id, attempt, from, to, options.code, details);
      return { session: await mustGet(trx, id), event };
    });
    this.bus.publish(topics.sessions, change);
    return change.session;
  }

  /**
   * A timeline entry that is not a state change (an operator request, a saved artifact, ...). With a fence, only
   * while that attempt (and worker) still holds the session: a stale bot's note is not written. Whether it was.
   */
  async note(id: string, code: string, details?: Record<string, unknown>, fence?: AttemptFence): Promise<boolean> {
    const session = await this.get(id);
    if (!session || (fence && staleFence(fence, session))) return false;
    const event = await insertEvent(this.db, id, session.attempt, null, null, code, details ?? null);
    this.bus.publish(topics.sessions, { session, event } satisfies SessionChange);
    return true;
  }

  async timeline(id: string): Promise<TimelineEvent[]> {
    const rows = await this.db.selectFrom('events').selectAll().where('session_id', '=', id).orderBy('id').execute();
    return rows.map(toTimelineEvent);
  }

  /** The first `first` events and the newest `newest`, and how many there are: a long timeline's live view. */
  timelineWindow(id: string, first: number, newest: number): Promise<TimelineWindow> {
    return readTimelineWindow(this.db, id, first, newest);
  }

  /** One page of a timeline, keyset on the event id, read backwards from `before` (the part a window hides). */
  timelinePage(id: string, query: TimelinePageQuery): Promise<TimelinePage> {
    return readTimelinePage(this.db, id, query);
  }

  async attempts(id: string): Promise<Attempt[]> {
    const rows = await this.db.selectFrom('attempts').selectAll().where('session_id', '=', id).orderBy('number').execute();
    return rows.map(toAttempt);
  }

  /** The first `first` attempts and the newest `newest`, and how many there are: a much-retried session's view. */
  attemptWindow(id: string, first: number, newest: number): Promise<AttemptWindow> {
    return readAttemptWindow(this.db, id, first, newest);
  }

  /** One page of the attempts, keyset on the attempt number, read backwards from `before` (the part a window hides). */
  attemptPage(id: string, query: AttemptPageQuery): Promise<AttemptPage> {
    return readAttemptPage(this.db, id, query);
  }

  /** Marks the session as held by a worker until `until`; the lease is renewed while the bot runs. */
  /**
   * Takes a planned join for this worker: leases the session only while it is still `scheduled` at `attempt` and no
   * other worker holds an unexpired lease on it. False: another process got it first (a queue can hand one join to
   * two processes, e.g. when Redis returns with a job whose lock lapsed), and this one must leave it alone.
   */
  async claim(id: string, attempt: number, workerId: string, until: Date): Promise<boolean> {
    const now = iso(new Date());
    const claimed = await this.db
      .updateTable('sessions')
      .set({ worker_id: workerId, lease_until: iso(until) })
      .where('id', '=', id)
      .where('state', '=', 'scheduled')
      .where('attempt', '=', attempt)
      .where((eb) => eb.or([eb('worker_id', 'is', null), eb('worker_id', '=', workerId), eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    if (claimed.numUpdatedRows !== 1n) return false;
    await this.db.updateTable('attempts').set({ worker_id: workerId }).where('session_id', '=', id).where('number', '=', attempt).execute();
    return true;
  }

  async lease(id: string, workerId: string, until: Date): Promise<void> {
    await this.db.updateTable('sessions').set({ worker_id: workerId, lease_until: iso(until) }).where('id', '=', id).execute();
    await this.db
      .updateTable('attempts')
      .set({ worker_id: workerId })
      .where('session_id', '=', id)
      .where('worker_id', 'is', null)
      .execute();
  }

  /** Extends this worker's leases; returns the ids of the sessions it still holds (recovery may have taken others). */
  async renewLeases(workerId: string, until: Date): Promise<string[]> {
    const rows = await this.db
      .updateTable('sessions')
      .set({ lease_until: iso(until) })
      .where('worker_id', '=', workerId)
      .where('state', 'in', activeStates)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Sessions some worker was running whose lease ran out or whose worker is known to be gone. */
  async findOrphans(now: Date, isWorkerGone: (workerId: string) => boolean): Promise<Session[]> {
    const rows = await this.db.selectFrom('sessions').selectAll().where('state', 'in', activeStates).execute();
    return rows.map(toSession).filter((session) => lostWorker(session, now, isWorkerGone));
  }

  /**
   * The session not yet ended for this company's meeting, if any: one meeting, one bot. The occasion is the
   * meeting's start, or for a request that names none ("join now") any session whose time holds `during`.
   */
  async activeFor(companyId: string, meetingUrl: string, occasion: { startsAt: Date } | { during: Date }): Promise<Session | undefined> {
    let query = this.db.selectFrom('sessions').selectAll().where('company_id', '=', companyId).where('meeting_url', '=', meetingUrl).where('state', 'not in', endedStates);
    if ('startsAt' in occasion) query = query.where('starts_at', '=', occasion.startsAt.toISOString());
    else query = query.where('starts_at', '<=', occasion.during.toISOString()).where('ends_at', '>', occasion.during.toISOString());
    // No ORDER BY: sorting by creation would lead SQLite to walk the company's sessions by their creation index.
    const row = await query.executeTakeFirst();
    return row ? toSession(row) : undefined;
  }

  /** Planned sessions whose join was due before `before`, oldest first: a queue that lost their job misses them. */
  async overdue(before: Date, limit = 100): Promise<Session[]> {
    const rows = await this.db.selectFrom('sessions').selectAll().where('state', '=', 'scheduled').where('join_at', '<', before.toISOString()).orderBy('join_at').limit(limit).execute();
    return rows.map(toSession);
  }

  async scheduled(): Promise<Session[]> {
    const rows = await this.db.selectFrom('sessions').selectAll().where('state', '=', 'scheduled').orderBy('join_at').execute();
    return rows.map(toSession);
  }
}

/** Whether no live process holds the session any more: its lease ran out (or never was), or its worker is gone. */
export function lostWorker(session: Pick<Session, 'leaseUntil' | 'workerId'>, now: Date, isWorkerGone: (workerId: string) => boolean): boolean {
  if (session.leaseUntil === null || session.leaseUntil < iso(now)) return true;
  return session.workerId !== null && isWorkerGone(session.workerId);
}

type Db = Kysely<Database> | Transaction<Database>;

/** The row of a new, scheduled session (first attempt). */
export function newSessionRow(id: string, input: NewSession, now: string): SessionTable {
  return {
    id,
    company_id: input.companyId,
    provider: input.provider,
    plan: input.plan,
    meeting_url: input.meetingUrl,
    title: input.title ?? null,
    requested_by: input.requestedBy ?? null,
    starts_at: iso(input.startsAt),
    ends_at: iso(input.endsAt),
    join_at: iso(input.joinAt),
    state: 'scheduled',
    end_code: null,
    attempt: 1,
    decision: input.decision === undefined ? null : decisionToJson(input.decision),
    worker_id: null,
    lease_until: null,
    created_at: now,
    updated_at: now,
    passcode: input.passcode ?? null,
  };
}

/**
 * Writes a new session with its first attempt and `created` event in `trx`. `create` runs it in its own
 * transaction; intake runs it in the transaction that stores a whole invite and publishes once committed.
 */
export async function insertSession(trx: Transaction<Database>, row: SessionTable, decision: unknown): Promise<SessionChange> {
  await trx.insertInto('sessions').values(row).execute();
  await insertAttempt(trx, row.id, 1, 'first', row.created_at);
  const event = await insertEvent(trx, row.id, 1, null, 'scheduled', 'created', { joinAt: row.join_at });
  // The row as written is the row as stored (every column is given, all of them text or integer).
  return { session: newSessionOf(row, decision), event };
}

function parseCursor(cursor: string): { createdAt: string; id: string } | undefined {
  const at = cursor.lastIndexOf('|');
  return at > 0 ? { createdAt: cursor.slice(0, at), id: cursor.slice(at + 1) } : undefined;
}

async function mustGet(db: Db, id: string): Promise<Session> {
  return toSession(await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
}

async function insertAttempt(db: Db, sessionId: string, number: number, reason: string, now: string) {
  await db
    .insertInto('attempts')
    .values({ session_id: sessionId, number, reason, created_at: now, started_at: null, admitted_at: null, ended_at: null, end_code: null, worker_id: null })
    .execute();
}

async function updateAttempt(db: Db, sessionId: string, number: number, to: SessionState, now: string, endCode?: EndCode) {
  const set =
    to === 'dispatching'
      ? { started_at: now }
      : to === 'recording'
        ? { admitted_at: now }
        : isEnded(to)
          ? { ended_at: now, end_code: endCode ?? null }
          : undefined;
  if (!set) return;
  await db.updateTable('attempts').set(set).where('session_id', '=', sessionId).where('number', '=', number).execute();
}

async function insertEvent(
  db: Db,
  sessionId: string,
  attempt: number,
  from: SessionState | null,
  to: SessionState | null,
  code: string,
  details: Record<string, unknown> | null,
): Promise<TimelineEvent> {
  const at = iso();
  const detailsText = details && Object.keys(details).length > 0 ? JSON.stringify(details) : null;
  const row = await db
    .insertInto('events')
    .values({ session_id: sessionId, attempt, at, from_state: from, to_state: to, code, details: detailsText })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), attempt, at, from, to, code, details: detailsText ? details : null };
}
