import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { endCodes, type EndCode } from '../src/sessions/end-codes.js';

export interface SeedOptions {
  sessions: number;
  logLines: number;
  /** Sessions that get a long log (a bot that ran for hours), the rest share what is left. */
  heavySessions: number;
  heavyLines: number;
  /** Sessions that get a long timeline (a long meeting with many joins and leaves), and its length. */
  longTimelines: number;
  timelineEvents: number;
}

export interface Seeded {
  sessionIds: string[];
  heavyIds: string[];
  longTimelineIds: string[];
}

/** A small deterministic generator, so two runs seed the same store. */
function lcg(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const providers = ['meet', 'teams', 'webex', 'zoom'];
const companies = Array.from({ length: 20 }, (_, i) => `company-${i}`);
const failCodes = (Object.keys(endCodes) as EndCode[]).filter((c) => endCodes[c].kind !== 'normal');
const words = ['Quarterly', 'review', 'planning', 'standup', 'customer', 'sync', 'roadmap', 'hiring', 'demo', 'retro', 'budget', 'launch'];

/**
 * Fills the store's SQLite file straight through better-sqlite3 prepared statements, in transactions of
 * 10k rows: the shape Quorum writes (a session, its attempt, its events, its log lines), at bulk speed.
 */
export function seedStore(dataDir: string, options: SeedOptions): Seeded {
  const db = new BetterSqlite3(join(dataDir, 'quorum.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const random = lcg(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const insertSession = db.prepare(
    `insert into sessions (id, company_id, provider, plan, meeting_url, title, requested_by, starts_at, ends_at, join_at, state, end_code, attempt, decision, worker_id, lease_until, created_at, updated_at)
     values (?, ?, ?, 'bot', ?, ?, ?, ?, ?, ?, ?, ?, 1, null, null, null, ?, ?)`,
  );
  const insertAttempt = db.prepare(
    `insert into attempts (session_id, number, reason, created_at, started_at, admitted_at, ended_at, end_code, worker_id) values (?, 1, 'first', ?, ?, ?, ?, ?, 'bench')`,
  );
  const insertEvent = db.prepare(`insert into events (session_id, attempt, at, from_state, to_state, code, details) values (?, 1, ?, ?, ?, ?, null)`);
  const insertLog = db.prepare(`insert into logs (session_id, attempt, at, level, msg, line) values (?, 1, ?, ?, ?, ?)`);

  const now = Date.now();
  const sessionIds: string[] = [];
  const seedSessions = db.transaction((offset: number, count: number) => {
    for (let i = offset; i < offset + count; i += 1) {
      const id = randomUUID();
      // Spread over the last 30 days; created in order, like a real install.
      const created = now - 30 * 86_400_000 + Math.floor((i / options.sessions) * 30 * 86_400_000);
      const failed = random() < 0.2;
      const endCode = failed ? pick(failCodes) : 'meeting_ended';
      const startedAt = created + 60_000;
      const admitted = failed ? null : startedAt + Math.floor(random() * 90_000);
      const ended = startedAt + 1_800_000;
      const title = `${pick(words)} ${pick(words)} ${i % 997}`;
      const iso = (ms: number) => new Date(ms).toISOString();
      insertSession.run(id, pick(companies), pick(providers), `https://meet.google.com/bnc-${i.toString(36)}-xyz`, title, 'ops@acme.example', iso(startedAt), iso(ended), iso(startedAt), failed ? 'failed' : 'done', endCode, iso(created), iso(ended));
      insertAttempt.run(id, iso(created), iso(startedAt), admitted === null ? null : iso(admitted), iso(ended), endCode);
      insertEvent.run(id, iso(created), null, 'scheduled', 'created');
      insertEvent.run(id, iso(startedAt), 'scheduled', 'dispatching', 'dispatched');
      insertEvent.run(id, iso(ended), failed ? 'waiting_room' : 'processing', failed ? 'failed' : 'done', failed ? endCode : 'recorded');
      sessionIds.push(id);
    }
  });
  for (let done = 0; done < options.sessions; done += 10_000) {
    seedSessions(done, Math.min(10_000, options.sessions - done));
  }

  const heavyIds = sessionIds.slice(-options.heavySessions);
  const lightLines = options.logLines - options.heavySessions * options.heavyLines;
  const plan: [string, number][] = [
    ...heavyIds.map((id) => [id, options.heavyLines] as [string, number]),
    ...sessionIds.map((id, i) => [id, Math.floor(lightLines / sessionIds.length) + (i < lightLines % sessionIds.length ? 1 : 0)] as [string, number]),
  ];
  const seedLogs = db.transaction((batch: [string, number][]) => {
    for (const [id, lines] of batch) {
      for (let n = 0; n < lines; n += 1) {
        const at = new Date(now - 86_400_000 + n * 1000).toISOString();
        const level = n % 17 === 0 ? 40 : n % 3 === 0 ? 20 : 30;
        const msg = level === 40 ? 'participant count dropped' : level === 20 ? 'meet page state' : 'audio chunk stored';
        const line = JSON.stringify({ level, time: at, sessionId: id, companyId: 'company-0', provider: 'meet', attempt: 1, msg, bytes: 16_000 + n });
        insertLog.run(id, at, level, msg, line);
      }
    }
  });
  for (let i = 0; i < plan.length; i += 2_000) seedLogs(plan.slice(i, i + 2_000));

  // Sessions just before the heavy-log ones: each gets a timeline of participant comings and goings.
  const longTimelineIds = sessionIds.slice(-options.heavySessions - options.longTimelines, -options.heavySessions);
  const insertDetailed = db.prepare(`insert into events (session_id, attempt, at, from_state, to_state, code, details) values (?, 1, ?, null, null, ?, ?)`);
  const seedTimelines = db.transaction((id: string) => {
    for (let n = 0; n < options.timelineEvents; n += 1) {
      const at = new Date(now - 86_400_000 + n * 1000).toISOString();
      insertDetailed.run(id, at, n % 2 === 0 ? 'participant_joined' : 'participant_left', JSON.stringify({ participants: 3 + (n % 7), name: `Guest ${n % 97}` }));
    }
  });
  for (const id of longTimelineIds) seedTimelines(id);
  db.pragma('wal_checkpoint(TRUNCATE)');
  // No ANALYZE: Quorum never runs it, so the bench measures the query plans an install really gets.
  db.close();
  return { sessionIds, heavyIds, longTimelineIds };
}
