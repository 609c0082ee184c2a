import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, InboundMessageTable, MeetingOccurrenceTable, MeetingTable } from '../store/schema.js';
import { decisionFromJson, decisionToJson } from '../eligibility/stored-decision.js';
import type { Plan } from '../sessions/session.js';

export type Transport = 'smtp' | 'http';
export type MessageStatus = 'received' | 'processed' | 'rejected' | 'failed';

export interface NewInboundMessage {
  transport: Transport;
  remoteIp?: string;
  helo?: string;
  mailFrom?: string;
  recipients: string[];
  raw: Buffer;
}

export interface InboundMessage {
  id: string;
  receivedAt: string;
  transport: Transport;
  recipients: string[];
  subject: string | null;
  /** The From header's address. */
  from: string | null;
  /** The SMTP session's envelope as received (HTTP intake: what the query gave). */
  mailFrom: string | null;
  remoteIp: string | null;
  helo: string | null;
  bytes: number;
  raw: Buffer;
  status: MessageStatus;
  error: string | null;
  companyId: string | null;
  messageId: string | null;
  outcome: unknown;
}

export interface Meeting {
  companyId: string;
  uid: string;
  /** '' for a series master or a single event; the RECURRENCE-ID (UTC ISO) of an override. */
  recurrenceId: string;
  sequence: number;
  dtstamp: string | null;
  method: string;
  status: 'active' | 'cancelled';
  title: string | null;
  organizer: string | null;
  requestedBy: string | null;
  startsAt: string | null;
  endsAt: string | null;
  details: Record<string, unknown>;
  messageId: string;
}

export interface MeetingOccurrence {
  companyId: string;
  uid: string;
  /** '' for a single event, else the slot's RECURRENCE-ID (UTC ISO). */
  occurrence: string;
  startsAt: string;
  endsAt: string;
  status: 'planned' | 'rejected' | 'cancelled';
  sessionId: string | null;
  decision: unknown;
}

const now = () => new Date().toISOString();

export type MessageSummary = Omit<InboundMessage, 'raw' | 'outcome'>;

function toMessageSummary(row: Omit<InboundMessageTable, 'raw' | 'outcome' | 'updated_at'>): MessageSummary {
  return {
    id: row.id,
    receivedAt: row.received_at,
    transport: row.transport as Transport,
    recipients: JSON.parse(row.recipients) as string[],
    subject: row.subject,
    from: row.from_address,
    mailFrom: row.mail_from,
    remoteIp: row.remote_ip,
    helo: row.helo,
    bytes: row.bytes,
    status: row.status as MessageStatus,
    error: row.error,
    companyId: row.company_id,
    messageId: row.message_id,
  };
}

function toMeeting(row: MeetingTable): Meeting {
  return {
    companyId: row.company_id,
    uid: row.uid,
    recurrenceId: row.recurrence_id,
    sequence: row.sequence,
    dtstamp: row.dtstamp,
    method: row.method,
    status: row.status as Meeting['status'],
    title: row.title,
    organizer: row.organizer,
    requestedBy: row.requested_by,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    details: JSON.parse(row.details) as Record<string, unknown>,
    messageId: row.message_id,
  };
}

function toOccurrence(row: MeetingOccurrenceTable): MeetingOccurrence {
  return {
    companyId: row.company_id,
    uid: row.uid,
    occurrence: row.occurrence,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    status: row.status as MeetingOccurrence['status'],
    sessionId: row.session_id,
    decision: row.decision === null ? null : decisionFromJson(row.decision),
  };
}

/** Raw inbound mail, the meetings it carried and the link from each occurrence to its session. */
export class MeetingsStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Runs `work` in one transaction, with a store bound to it; `work` must await nothing but queries on it. */
  transaction<T>(work: (store: MeetingsStore, trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new MeetingsStore(trx), trx));
  }

  /** Stores a message as received, before anything reads it, and returns its id. */
  async saveRaw(message: NewInboundMessage, id: string = randomUUID()): Promise<string> {
    const at = now();
    await this.db
      .insertInto('inbound_messages')
      .values({
        id,
        received_at: at,
        transport: message.transport,
        remote_ip: message.remoteIp ?? null,
        helo: message.helo ?? null,
        mail_from: message.mailFrom ?? null,
        recipients: JSON.stringify(message.recipients),
        bytes: message.raw.length,
        // base64 keeps 8-bit and NUL bytes intact in a text column on SQLite and PostgreSQL alike.
        raw: message.raw.toString('base64'),
        status: 'received',
        error: null,
        company_id: null,
        message_id: null,
        outcome: null,
        subject: null,
        from_address: null,
        updated_at: at,
      })
      .execute();
    return id;
  }

  async finishMessage(id: string, update: { status: MessageStatus; error?: string; companyId?: string; messageId?: string; subject?: string; from?: string; outcome?: unknown }): Promise<void> {
    await this.db
      .updateTable('inbound_messages')
      .set({
        status: update.status,
        error: update.error ?? null,
        company_id: update.companyId ?? null,
        message_id: update.messageId ?? null,
        subject: update.subject ?? null,
        from_address: update.from ?? null,
        outcome: update.outcome === undefined ? null : JSON.stringify(update.outcome),
        updated_at: now(),
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Ends as `failed` with `error` the messages still `received` that arrived before `before`: their reading was
   * cut off by a stop or crash (a message is read in well under a second). Returns their ids.
   */
  async failInterrupted(before: Date, error: string): Promise<string[]> {
    const rows = await this.db
      .updateTable('inbound_messages')
      .set({ status: 'failed', error, updated_at: now() })
      .where('status', '=', 'received')
      .where('received_at', '<', before.toISOString())
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  async message(id: string): Promise<InboundMessage | undefined> {
    const row = await this.db.selectFrom('inbound_messages').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return { ...toMessageSummary(row), raw: Buffer.from(row.raw, 'base64'), outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as unknown) };
  }

  /** Received messages, newest first, without their raw mail and outcome; `before` is the last row of a page. */
  async messages(limit = 100, filter: { status?: MessageStatus; before?: { receivedAt: string; id: string } } = {}): Promise<MessageSummary[]> {
    let query = this.db
      .selectFrom('inbound_messages')
      .select(['id', 'received_at', 'transport', 'recipients', 'subject', 'from_address', 'mail_from', 'remote_ip', 'helo', 'bytes', 'status', 'error', 'company_id', 'message_id'])
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit);
    if (filter.status) query = query.where('status', '=', filter.status);
    const before = filter.before;
    if (before) query = query.where((eb) => eb.or([eb('received_at', '<', before.receivedAt), eb.and([eb('received_at', '=', before.receivedAt), eb('id', '<', before.id)])]));
    return (await query.execute()).map(toMessageSummary);
  }

  async meeting(companyId: string, uid: string, recurrenceId = ''): Promise<Meeting | undefined> {
    const row = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where('company_id', '=', companyId)
      .where('uid', '=', uid)
      .where('recurrence_id', '=', recurrenceId)
      .executeTakeFirst();
    return row ? toMeeting(row) : undefined;
  }

  async meetings(companyId: string, uid?: string): Promise<Meeting[]> {
    let query = this.db.selectFrom('meetings').selectAll().where('company_id', '=', companyId);
    if (uid !== undefined) query = query.where('uid', '=', uid);
    return (await query.orderBy('uid').orderBy('recurrence_id').execute()).map(toMeeting);
  }

  /**
   * Meetings whose later occurrences may still lie past the planning horizon: every active recurring series,
   * and single-occurrence overrides that start after `afterIso` (an override can arrive before its slot is near).
   */
  async openSeries(afterIso: string): Promise<Meeting[]> {
    const rows = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where('status', '=', 'active')
      .where('company_id', '!=', '')
      .where((eb) => eb.or([eb.and([eb('recurrence_id', '=', ''), eb('details', 'like', '%"rrule"%')]), eb.and([eb('recurrence_id', '!=', ''), eb('starts_at', '>', afterIso)])]))
      .orderBy('company_id')
      .orderBy('uid')
      .orderBy('recurrence_id')
      .execute();
    return rows.map(toMeeting);
  }

  async putMeeting(meeting: Meeting): Promise<void> {
    const at = now();
    const values = {
      sequence: meeting.sequence,
      dtstamp: meeting.dtstamp,
      method: meeting.method,
      status: meeting.status,
      title: meeting.title,
      organizer: meeting.organizer,
      requested_by: meeting.requestedBy,
      starts_at: meeting.startsAt,
      ends_at: meeting.endsAt,
      details: JSON.stringify(meeting.details),
      message_id: meeting.messageId,
      updated_at: at,
    };
    await this.db
      .insertInto('meetings')
      .values({ company_id: meeting.companyId, uid: meeting.uid, recurrence_id: meeting.recurrenceId, created_at: at, ...values })
      .onConflict((oc) => oc.columns(['company_id', 'uid', 'recurrence_id']).doUpdateSet(values))
      .execute();
  }

  /** The meeting's change counter (MeetingVersionTable): read before the meeting itself, claimed at commit. */
  async version(companyId: string, uid: string): Promise<number> {
    const row = await this.db.selectFrom('meeting_versions').select('version').where('company_id', '=', companyId).where('uid', '=', uid).executeTakeFirst();
    return row?.version ?? 0;
  }

  /** Moves the counter on from `expected`; false when another writer moved it since it was read. */
  async claimVersion(companyId: string, uid: string, expected: number): Promise<boolean> {
    if (expected === 0) {
      const inserted = await this.db
        .insertInto('meeting_versions')
        .values({ company_id: companyId, uid, version: 1 })
        .onConflict((oc) => oc.columns(['company_id', 'uid']).doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    }
    const updated = await this.db
      .updateTable('meeting_versions')
      .set({ version: expected + 1 })
      .where('company_id', '=', companyId)
      .where('uid', '=', uid)
      .where('version', '=', expected)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) > 0;
  }

  async occurrences(companyId: string, uid: string): Promise<MeetingOccurrence[]> {
    const rows = await this.db
      .selectFrom('meeting_occurrences')
      .selectAll()
      .where('company_id', '=', companyId)
      .where('uid', '=', uid)
      .orderBy('starts_at')
      .execute();
    return rows.map(toOccurrence);
  }

  /** Whether a planned occurrence of another invite (another UID) shares this session: one meeting, two invites. */
  async sharedSession(sessionId: string, uid: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('meeting_occurrences')
      .select('uid')
      .where('session_id', '=', sessionId)
      .where('uid', '!=', uid)
      .where('status', '=', 'planned')
      .executeTakeFirst();
    return row !== undefined;
  }

  async putOccurrence(occurrence: MeetingOccurrence): Promise<void> {
    const values = {
      starts_at: occurrence.startsAt,
      ends_at: occurrence.endsAt,
      status: occurrence.status,
      session_id: occurrence.sessionId,
      decision: occurrence.decision === null || occurrence.decision === undefined ? null : decisionToJson(occurrence.decision),
      updated_at: now(),
    };
    await this.db
      .insertInto('meeting_occurrences')
      .values({ company_id: occurrence.companyId, uid: occurrence.uid, occurrence: occurrence.occurrence, ...values })
      .onConflict((oc) => oc.columns(['company_id', 'uid', 'occurrence']).doUpdateSet(values))
      .execute();
  }

  /**
   * Moves a planned (not yet dispatched) session to new times, link, passcode, provider and plan (a meeting moved from
   * Zoom to Meet is joined by Meet's bot). Only `scheduled` sessions move: the state is untouched, so this is
   * no transition; the caller re-enqueues the join, which moves the queued job.
   */
  async moveSession(sessionId: string, times: { startsAt: Date; endsAt: Date; joinAt: Date; meetingUrl: string; provider: string; plan: Plan; decision: unknown; passcode: string | null }): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({
        starts_at: times.startsAt.toISOString(),
        ends_at: times.endsAt.toISOString(),
        join_at: times.joinAt.toISOString(),
        meeting_url: times.meetingUrl,
        provider: times.provider,
        plan: times.plan,
        decision: decisionToJson(times.decision),
        passcode: times.passcode,
        updated_at: now(),
      })
      .where('id', '=', sessionId)
      .where('state', '=', 'scheduled')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
