import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { topics } from '../../src/bus.js';
import { readSessionLog, SessionLogSink, type LogLine } from '../../src/logging/session-log.js';
import { openTestStore, type TestStore } from '../helpers/store.js';

const line = (sessionId: string, msg: string) => `${JSON.stringify({ level: 30, time: new Date().toISOString(), sessionId, attempt: 1, msg })}\n`;

const until = async (check: () => Promise<boolean>) => {
  const end = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/** A bot's log survives the database going away for a while: held in order, stored once it answers again. */
describe('session log while the database is away', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore('sqlite');
  });
  afterEach(async () => {
    await t.store.close();
  });

  it('holds the lines it could not store and stores them, in order, once the database answers', async () => {
    const reports: string[] = [];
    const sink = new SessionLogSink(t.store.db, t.bus, 10, 50_000, (text) => reports.push(text));
    const live: LogLine[] = [];
    t.bus.subscribe(topics.sessionLog('s1'), (message) => live.push(message as LogLine));
    sink.write(line('s1', 'before'));
    await sink.flush();
    // The table is away, as it is to a process whose database restarts.
    await sql`alter table logs rename to logs_away`.execute(t.store.db);
    for (const msg of ['one', 'two', 'three']) sink.write(line('s1', msg));
    await sink.flush();
    sink.write(line('s1', 'four'));
    await sink.flush();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/holding them until the database answers/);
    await sql`alter table logs_away rename to logs`.execute(t.store.db);

    await until(async () => (await readSessionLog(t.store.db, 's1')).length === 5);
    expect((await readSessionLog(t.store.db, 's1')).map((l) => l.msg)).toEqual(['before', 'one', 'two', 'three', 'four']);
    expect(live.map((l) => l.msg)).toEqual(['before', 'one', 'two', 'three', 'four']);
    expect(reports[1]).toMatch(/answers again: stored 4 held/);
  });

  it('keeps the newest lines when more are held than it may keep, and says how many it dropped', async () => {
    const reports: string[] = [];
    const sink = new SessionLogSink(t.store.db, t.bus, 10, 3, (text) => reports.push(text));
    await sql`alter table logs rename to logs_away`.execute(t.store.db);
    for (const msg of ['a', 'b', 'c', 'd', 'e']) {
      sink.write(line('s2', msg));
      await sink.flush();
    }
    await sql`alter table logs_away rename to logs`.execute(t.store.db);
    await until(async () => (await readSessionLog(t.store.db, 's2')).length === 3);
    expect((await readSessionLog(t.store.db, 's2')).map((l) => l.msg)).toEqual(['c', 'd', 'e']);
    expect(reports.at(-1)).toMatch(/2 of the oldest were dropped/);
  });
});
