import { randomUUID } from 'node:crypto';
import { insertSession, newSessionRow, type NewSession, type SessionChange, type SessionStore } from '../sessions/session-store.js';
import { newSessionOf, type Session } from '../sessions/session.js';
import { meetingKey } from './apply.js';
import type { ApplyDeps, JoinPlanner, MeetingRecords, SessionRecords } from './apply.js';
import type { GroupCommit, StoreWork } from './group-commit.js';
import type { Meeting, MeetingOccurrence, MeetingsStore } from './meetings-store.js';

type Write = StoreWork;

export interface InviteWritesDeps extends ApplyDeps {
  store: MeetingsStore;
  sessions: SessionStore;
}

const keyOf = (...parts: string[]) => parts.join('\u0000');
const byMeetingKey = (a: Meeting, b: Meeting) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : a.recurrenceId < b.recurrenceId ? -1 : a.recurrenceId > b.recurrenceId ? 1 : 0);

/**
 * Another process (a second `quorum serve`) committed a change to a meeting after this message read it:
 * nothing of the message was committed, and it must be decided again on fresh reads.
 */
export class StaleMeetingError extends Error {
  constructor(
    readonly companyId: string,
    readonly uid: string,
  ) {
    super(`meeting ${uid} was changed by another process while this message was being applied`);
    this.name = 'StaleMeetingError';
  }
}

interface ReadVersion {
  companyId: string;
  uid: string;
  version: number;
}

/**
 * One invite e-mail's writes (meeting, occurrences, new sessions with their attempt and timeline event, and
 * the message's outcome) in one transaction instead of a commit per row: those commits were most of
 * intake's time. Reads see the message's own pending writes. Whatever changes an existing session (a move,
 * a note, a cancellation) first commits what is pending and then runs as it always did, so effects keep
 * their order. Joins are planned and new sessions announced only once their rows are committed. Nothing
 * but store queries runs inside the transaction: on SQLite it holds the only connection. A meeting written
 * is claimed in the same transaction from the change counter read before it (StaleMeetingError when another
 * process got there first).
 */
export class InviteWrites {
  readonly deps: ApplyDeps;
  private writes: Write[] = [];
  private readonly meetings = new Map<string, Meeting>();
  private readonly occurrences = new Map<string, MeetingOccurrence>();
  private readonly sessions = new Map<string, Session>();
  /** The passcodes of the sessions pending in `sessions` (a Session holds only its mask). */
  private readonly passcodes = new Map<string, string | null>();
  /** Each meeting's change counter as read before the meeting itself; those written are claimed at commit. */
  private readonly versions = new Map<string, ReadVersion>();
  private readonly written = new Set<string>();
  /** Filled by the session writes of the transaction under way. */
  private changes: SessionChange[] = [];

  constructor(
    private readonly base: InviteWritesDeps,
    private readonly group: GroupCommit,
  ) {
    this.deps = { ...base, store: this.records(), sessions: this.sessionRecords(), scheduler: this.planner() };
  }

  /** Commits what is pending (plus `last`, e.g. the message's outcome), then plans and announces new sessions. */
  async commit(last?: (store: MeetingsStore) => Promise<void>): Promise<void> {
    const writes = this.writes;
    this.writes = [];
    if (writes.length === 0 && !last) return;
    const changes: SessionChange[] = [];
    this.changes = changes;
    const claims = [...this.written].map((key) => this.versions.get(key)).filter((read): read is ReadVersion => read !== undefined);
    this.written.clear();
    await this.group.run(async (store, trx) => {
      for (const read of claims) if (!(await store.claimVersion(read.companyId, read.uid, read.version))) throw new StaleMeetingError(read.companyId, read.uid);
      // In order: an occurrence names its session, so the session's rows go first.
      for (const write of writes) await write(store, trx);
      if (last) await last(store);
    });
    for (const read of claims) read.version += 1;
    this.meetings.clear();
    this.occurrences.clear();
    this.sessions.clear();
    this.passcodes.clear();
    for (const change of changes) {
      this.base.sessions.published(change);
      await this.base.scheduler.plan(change.session);
    }
  }

  private records(): MeetingRecords {
    const store = this.base.store;
    return {
      meetings: async (companyId, uid) => {
        if (uid !== undefined) await this.readVersion(companyId, uid);
        const rows = new Map((await store.meetings(companyId, uid)).map((m) => [keyOf(m.companyId, m.uid, m.recurrenceId), m]));
        for (const [key, m] of this.meetings) if (m.companyId === companyId && (uid === undefined || m.uid === uid)) rows.set(key, m);
        return [...rows.values()].sort(byMeetingKey);
      },
      occurrences: async (companyId, uid) => {
        await this.readVersion(companyId, uid);
        const rows = new Map((await store.occurrences(companyId, uid)).map((o) => [keyOf(o.companyId, o.uid, o.occurrence), o]));
        for (const [key, o] of this.occurrences) if (o.companyId === companyId && o.uid === uid) rows.set(key, o);
        return [...rows.values()].sort((a, b) => (a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : 0));
      },
      putMeeting: async (meeting) => {
        await this.willWrite(meeting.companyId, meeting.uid);
        this.meetings.set(keyOf(meeting.companyId, meeting.uid, meeting.recurrenceId), meeting);
        this.writes.push((store) => store.putMeeting(meeting));
      },
      putOccurrence: async (occurrence) => {
        await this.willWrite(occurrence.companyId, occurrence.uid);
        this.occurrences.set(keyOf(occurrence.companyId, occurrence.uid, occurrence.occurrence), occurrence);
        this.writes.push((store) => store.putOccurrence(occurrence));
      },
      moveSession: async (sessionId, times) => {
        await this.commit();
        return store.moveSession(sessionId, times);
      },
      sharedSession: async (sessionId, uid) => {
        await this.commit();
        return store.sharedSession(sessionId, uid);
      },
    };
  }

  private async readVersion(companyId: string, uid: string): Promise<void> {
    const key = meetingKey(companyId, uid);
    if (!this.versions.has(key)) this.versions.set(key, { companyId, uid, version: await this.base.store.version(companyId, uid) });
  }

  private async willWrite(companyId: string, uid: string): Promise<void> {
    await this.readVersion(companyId, uid);
    this.written.add(meetingKey(companyId, uid));
  }

  private sessionRecords(): SessionRecords {
    const sessions = this.base.sessions;
    return {
      get: async (id) => this.sessions.get(id) ?? sessions.get(id),
      create: async (input: NewSession) => {
        const row = newSessionRow(randomUUID(), input, new Date().toISOString());
        const session = newSessionOf(row, input.decision);
        this.sessions.set(row.id, session);
        this.passcodes.set(row.id, row.passcode);
        this.writes.push(async (_store, trx) => void this.changes.push(await insertSession(trx, row, input.decision)));
        return session;
      },
      note: async (id, code, details) => {
        await this.commit();
        return sessions.note(id, code, details);
      },
      passcode: async (id) => (this.passcodes.has(id) ? (this.passcodes.get(id) ?? undefined) : sessions.passcode(id)),
      activeFor: async (companyId, meetingUrl, occasion) => {
        const at = 'startsAt' in occasion ? occasion.startsAt.toISOString() : undefined;
        const pending = [...this.sessions.values()].find((s) => s.companyId === companyId && s.meetingUrl === meetingUrl && s.startsAt === at);
        return pending ?? sessions.activeFor(companyId, meetingUrl, occasion);
      },
    };
  }

  private planner(): JoinPlanner {
    return {
      // New sessions are planned once committed (`commit`); moved ones have been committed by `moveSession`.
      plan: async (session) => (this.sessions.has(session.id) ? undefined : this.base.scheduler.plan(session)),
      abort: async (id, endCode, reason) => {
        await this.commit();
        return this.base.scheduler.abort(id, endCode, reason);
      },
    };
  }
}
