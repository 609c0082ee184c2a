import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompanyStore } from '../../src/companies/company-store.js';
import { deleteSessionArtifacts, SessionActiveError } from '../../src/recording/deletion.js';
import { expiredQuery, retentionGroups, sweepRetention, type RetentionDeps } from '../../src/recording/retention.js';
import { ArtifactStore, type Artifact, type ArtifactKind } from '../../src/sessions/artifacts.js';
import type { Session } from '../../src/sessions/session.js';
import { dialects, newSessionInput, openTestStore, type TestStore } from '../helpers/store.js';

const log = pino({ level: 'silent' });
const dayMs = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * dayMs).toISOString();

describe.each(dialects)('recordings retention and deletion on %s', (dialect) => {
  let t: TestStore;
  let artifacts: ArtifactStore;
  let companies: CompanyStore;
  const deps = (defaultDays: number): RetentionDeps => ({ db: t.store.db, sessions: t.sessions, artifacts, companies, log, defaultDays });

  beforeEach(async () => {
    t = await openTestStore(dialect);
    artifacts = new ArtifactStore(t.store.db, join(t.dir, 'artifacts'));
    companies = new CompanyStore(t.store.db);
    await companies.put({ id: 'keeps', name: 'Keeps', assistantAddress: 'assistant@keeps.example', settings: {} });
    await companies.put({ id: 'short', name: 'Short', assistantAddress: 'assistant@short.example', settings: { retention: { recordingDays: 7 } } });
    await companies.put({ id: 'long', name: 'Long', assistantAddress: 'assistant@long.example', settings: { retention: { recordingDays: 90, evidenceDays: 90 } } });
    await companies.put({ id: 'evidence', name: 'Evidence', assistantAddress: 'assistant@evidence.example', settings: { retention: { recordingDays: 60, evidenceDays: 3 } } });
  });
  afterEach(async () => {
    await t.store.close();
  });

  /** A session of `companyId` that ended `endedDaysAgo`, with one real file per kind made when it ran. */
  async function endedSession(companyId: string, endedDaysAgo: number, kinds: ArtifactKind[] = ['audio', 'screenshot', 'html']): Promise<{ session: Session; files: Artifact[] }> {
    const session = await t.sessions.create(newSessionInput({ companyId }));
    const files: Artifact[] = [];
    for (const [i, kind] of kinds.entries()) {
      const path = join(artifacts.dirFor(session.id), `${kind}-${i}.bin`);
      writeFileSync(path, Buffer.alloc(100 + i));
      files.push(await artifacts.add({ sessionId: session.id, attempt: 1, kind, path }));
    }
    await t.sessions.transition(session.id, 'failed', { code: 'seeded', endCode: 'waiting_room_timeout' });
    await age(session.id, endedDaysAgo);
    return { session, files };
  }

  /** Moves a session's end and its files' creation into the past (the store keeps them as ISO text). */
  async function age(sessionId: string, days: number): Promise<void> {
    await t.store.db.updateTable('sessions').set({ updated_at: daysAgo(days) }).where('id', '=', sessionId).execute();
    await t.store.db.updateTable('artifacts').set({ created_at: daysAgo(days + 0.01) }).where('session_id', '=', sessionId).execute();
  }

  const kindsLeft = async (sessionId: string) => (await artifacts.list(sessionId)).map((a) => a.kind).sort();
  const retentionEvents = async (sessionId: string) => (await t.sessions.timeline(sessionId)).filter((e) => e.code === 'recordings_deleted');

  it('deletes the files of sessions that ended before the default period, from disk and store, and keeps recent ones', async () => {
    const old = await endedSession('keeps', 40);
    const recent = await endedSession('keeps', 10);
    const result = await sweepRetention(deps(30));
    expect(result).toMatchObject({ sessions: 1, artifacts: 3, bytes: 100 + 101 + 102, missing: 0, failed: 0 });
    expect(await kindsLeft(old.session.id)).toEqual([]);
    for (const file of old.files) expect(existsSync(file.path)).toBe(false);
    expect(await kindsLeft(recent.session.id)).toEqual(['audio', 'html', 'screenshot']);
    for (const file of recent.files) expect(existsSync(file.path)).toBe(true);
    // Recordings and evidence have their own periods, so each class is its own event.
    const events = await retentionEvents(old.session.id);
    expect(events.map((e) => e.details)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'retention', by: 'retention', artifacts: 1, bytes: 100, missing: 0, kinds: ['audio'], retention: { class: 'recordings', days: 30 } }),
        expect.objectContaining({ reason: 'retention', by: 'retention', artifacts: 2, bytes: 203, retention: { class: 'evidence', days: 30 } }),
      ]),
    );
    expect(await retentionEvents(recent.session.id)).toEqual([]);
    // A second sweep finds nothing more.
    expect(await sweepRetention(deps(30))).toMatchObject({ sessions: 0, artifacts: 0 });
  });

  it('keeps everything when neither the company nor the installation sets a period, and never touches an active session', async () => {
    const old = await endedSession('keeps', 400);
    const running = await t.sessions.create(newSessionInput({ companyId: 'short' }));
    const path = join(artifacts.dirFor(running.id), 'audio.webm');
    writeFileSync(path, 'partial');
    await artifacts.add({ sessionId: running.id, attempt: 1, kind: 'audio', path });
    for (const to of ['dispatching', 'joining', 'recording'] as const) await t.sessions.transition(running.id, to, { code: 'seeded' });
    await age(running.id, 30);
    expect(await sweepRetention(deps(0))).toMatchObject({ sessions: 0, artifacts: 0 });
    expect(await kindsLeft(old.session.id)).toHaveLength(3);
    expect(existsSync(path)).toBe(true);
    await expect(deleteSessionArtifacts({ sessions: t.sessions, artifacts, log }, running.id, { reason: 'x', by: 'admin' })).rejects.toBeInstanceOf(SessionActiveError);
    expect(existsSync(path)).toBe(true);
  });

  it("applies a company's own periods over the default, recordings and evidence separately", async () => {
    // short: recordings 7 days, evidence the default (30).
    const short = await endedSession('short', 10);
    // long: 90 days for both, though the default is 30.
    const long = await endedSession('long', 40);
    // evidence: evidence 3 days, recordings 60.
    const evidence = await endedSession('evidence', 10);
    const result = await sweepRetention(deps(30));
    expect(await kindsLeft(short.session.id)).toEqual(['html', 'screenshot']);
    expect(await kindsLeft(long.session.id)).toEqual(['audio', 'html', 'screenshot']);
    expect(await kindsLeft(evidence.session.id)).toEqual(['audio']);
    expect(result).toMatchObject({ sessions: 2, artifacts: 3 });
    expect(existsSync(short.files[0]?.path ?? '')).toBe(false);
    expect(existsSync(short.files[1]?.path ?? '')).toBe(true);
    expect((await retentionEvents(evidence.session.id))[0]?.details).toMatchObject({ retention: { class: 'evidence', days: 3 }, artifacts: 2 });
    // Without a default only the companies' own periods apply.
    const keeps = await endedSession('keeps', 500);
    const shortAgain = await endedSession('short', 8, ['audio', 'video', 'transcript']);
    expect(await sweepRetention(deps(0))).toMatchObject({ sessions: 1, artifacts: 3 });
    expect(await kindsLeft(keeps.session.id)).toHaveLength(3);
    expect(await kindsLeft(shortAgain.session.id)).toEqual([]);
  });

  it('removes the row of a file already missing on disk, and says so in the event', async () => {
    const old = await endedSession('keeps', 40, ['audio', 'audio']);
    rmSync(old.files[0]?.path ?? '');
    const result = await sweepRetention(deps(30));
    expect(result).toMatchObject({ sessions: 1, artifacts: 2, missing: 1, failed: 0 });
    expect(await kindsLeft(old.session.id)).toEqual([]);
    expect((await retentionEvents(old.session.id))[0]?.details).toMatchObject({ artifacts: 2, missing: 1 });
  });

  it('works through more expired files than one batch holds, past the ones it keeps', async () => {
    const kept: string[] = [];
    const expired: string[] = [];
    // Interleaved in age: kept rows (another company's longer period) sit between the expired ones.
    for (let i = 0; i < 230; i += 1) expired.push((await endedSession('keeps', 40 + i / 100, ['audio'])).session.id);
    for (let i = 0; i < 20; i += 1) kept.push((await endedSession('long', 40 + i / 10, ['audio'])).session.id);
    const result = await sweepRetention(deps(30));
    expect(result).toMatchObject({ sessions: 230, artifacts: 230, failed: 0 });
    for (const id of kept) expect(await kindsLeft(id)).toEqual(['audio']);
    expect(await t.store.db.selectFrom('artifacts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toMatchObject({ n: dialect === 'postgres' ? '20' : 20 });
  });

  it('deletes each artifact once when two deletes of one session run at once', async () => {
    const { session } = await endedSession('keeps', 1);
    const request = { reason: 'erasure request', by: 'admin' };
    const both = await Promise.all([0, 1].map(() => deleteSessionArtifacts({ sessions: t.sessions, artifacts, log }, session.id, request)));
    expect(both.reduce((sum, r) => sum + r.artifacts, 0)).toBe(3);
    expect(await kindsLeft(session.id)).toEqual([]);
  });

  it('groups companies by period, the default applying to all the others', () => {
    const groups = retentionGroups(
      [
        { id: 'a', settings: { retention: { recordingDays: 7 } } },
        { id: 'b', settings: { retention: { recordingDays: 7, evidenceDays: 2 } } },
        { id: 'c', settings: {} },
      ],
      30,
    );
    expect(groups.map((g) => [g.class, g.days, g.companies])).toEqual([
      ['recordings', 7, { in: ['a', 'b'] }],
      ['recordings', 30, { notIn: ['a', 'b'] }],
      ['evidence', 2, { in: ['b'] }],
      ['evidence', 30, { notIn: ['b'] }],
    ]);
    expect(retentionGroups([{ id: 'c', settings: {} }], 0)).toEqual([]);
  });
});

describe('the retention sweep query on SQLite', () => {
  it('finds expired files through the artifacts age index, not by walking every session', async () => {
    const t = await openTestStore('sqlite');
    try {
      const [group] = retentionGroups([{ id: 'keeps', settings: {} }], 30);
      if (!group) throw new Error('no group');
      for (const after of [undefined, { createdAt: daysAgo(40), id: 'x' }]) {
        const query = expiredQuery(t.store.db, group, daysAgo(30), after).compile();
        const sqlite = new BetterSqlite3(join(t.dir, 'quorum.sqlite'), { readonly: true });
        const plan = (sqlite.prepare(`explain query plan ${query.sql}`).all(...(query.parameters as unknown[])) as Array<{ detail: string }>).map((row) => row.detail);
        sqlite.close();
        expect(plan[0]).toMatch(/^SEARCH a USING INDEX artifacts_created_id/);
        expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN/);
      }
    } finally {
      await t.store.close();
    }
  });
});
