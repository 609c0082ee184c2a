import type { DestinationStream } from 'pino';
import type { Kysely } from 'kysely';
import { topics, type LiveBus } from '../bus.js';
import type { Database } from '../store/schema.js';

export interface LogLine {
  id: number;
  sessionId: string;
  attempt: number;
  at: string;
  level: number;
  msg: string;
  data: Record<string, unknown>;
}

export const levelNumbers = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LevelName = keyof typeof levelNumbers;

interface Pending {
  session_id: string;
  attempt: number;
  at: string;
  level: number;
  msg: string;
  line: string;
}

/**
 * A pino destination that keeps every line bound to a session: buffered briefly, stored in one
 * transaction, then published with its stored id so live readers and `?after=` readers agree on order.
 */
export class SessionLogSink implements DestinationStream {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Stores that failed in a row (the database away); 0 when the last one worked. */
  private failures = 0;
  private dropped = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly bus: LiveBus,
    private readonly flushMs = 100,
    /** Lines held while the database is away; beyond this the oldest go (a bot logs a few lines a second). */
    private readonly maxHeld = 50_000,
    private readonly report: (text: string) => void = (text) => process.stderr.write(`quorum: ${text}\n`),
  ) {}

  write(line: string): void {
    if (!line.includes('"sessionId"')) return;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof parsed.sessionId !== 'string') return;
    this.pending.push({
      session_id: parsed.sessionId,
      attempt: typeof parsed.attempt === 'number' ? parsed.attempt : 1,
      at: typeof parsed.time === 'string' ? parsed.time : new Date().toISOString(),
      level: typeof parsed.level === 'number' ? parsed.level : levelNumbers.info,
      msg: typeof parsed.msg === 'string' ? parsed.msg : '',
      line: line.trimEnd(),
    });
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Stores what is buffered; resolves once every line written so far is stored and published. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(() => (batch.length > 0 ? this.store(batch) : undefined));
    return this.flushing;
  }

  private async store(batch: Pending[]): Promise<void> {
    try {
      const rows = await this.db.insertInto('logs').values(batch).returning('id').execute();
      batch.forEach((row, index) => {
        const id = rows[index]?.id;
        if (id !== undefined) this.bus.publish(topics.sessionLog(row.session_id), toLogLine(Number(id), row));
      });
      if (this.failures > 0) this.report(`the database answers again: stored ${batch.length} held session log lines${this.dropped > 0 ? `; ${this.dropped} of the oldest were dropped` : ''}`);
      this.failures = 0;
      this.dropped = 0;
    } catch (error) {
      this.hold(batch, error);
    }
  }

  /**
   * The database is away (restarting, unreachable): the lines wait, before any written since, and are stored
   * again with backoff, so a bot's log survives a database blip in order. Reported once per outage.
   */
  private hold(batch: Pending[], error: unknown): void {
    this.failures += 1;
    this.pending = [...batch, ...this.pending];
    const over = this.pending.length - this.maxHeld;
    if (over > 0) {
      this.pending.splice(0, over);
      this.dropped += over;
    }
    if (this.failures === 1) this.report(`could not store session log lines (${String(error)}); holding them until the database answers`);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), Math.min(30_000, this.flushMs * 2 ** this.failures));
    this.timer.unref();
  }
}

function toLogLine(id: number, row: Pending): LogLine {
  return {
    id,
    sessionId: row.session_id,
    attempt: row.attempt,
    at: row.at,
    level: row.level,
    msg: row.msg,
    data: JSON.parse(row.line) as Record<string, unknown>,
  };
}

export interface LogQuery {
  minLevel?: number;
  after?: number;
  limit?: number;
  /** The newest `tail` lines, oldest first (ignores `limit`). */
  tail?: number;
}

export async function readSessionLog(db: Kysely<Database>, sessionId: string, query: LogQuery = {}): Promise<LogLine[]> {
  let q = db.selectFrom('logs').selectAll().where('session_id', '=', sessionId);
  if (query.minLevel !== undefined) q = q.where('level', '>=', query.minLevel);
  if (query.after !== undefined) q = q.where('id', '>', query.after);
  if (query.tail !== undefined) {
    const newest = await q.orderBy('id', 'desc').limit(query.tail).execute();
    return newest.reverse().map((r) => toLogLine(Number(r.id), r));
  }
  const rows = await q.orderBy('id').limit(query.limit ?? 1000).execute();
  return rows.map((r) => toLogLine(Number(r.id), r));
}
