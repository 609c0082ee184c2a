import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../src/bus.js';
import { startQuorum, type Quorum } from '../../src/main.js';
import { ArtifactStore } from '../../src/sessions/artifacts.js';
import { SessionStore } from '../../src/sessions/session-store.js';
import { openSqliteStore, type Store } from '../../src/store/database.js';
import { StoreLeases } from '../../src/store/leases.js';
import { startRetentionSweeper } from '../../src/recording/retention.js';
import { CompanyStore } from '../../src/companies/company-store.js';
import pino from 'pino';
import { testConfig } from '../helpers/quorum.js';
import { newSessionInput } from '../helpers/store.js';

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

/** A session that ended `days` ago with one recording file, written straight to the store of `dataDir`. */
async function oldRecording(store: Store, dataDir: string, days: number): Promise<{ sessionId: string; file: string }> {
  const sessions = new SessionStore(store.db, createMemoryBus());
  const artifacts = new ArtifactStore(store.db, join(dataDir, 'artifacts'));
  const session = await sessions.create(newSessionInput());
  const file = join(artifacts.dirFor(session.id), 'recording-1.webm');
  writeFileSync(file, Buffer.alloc(2048));
  await artifacts.add({ sessionId: session.id, attempt: 1, kind: 'audio', path: file });
  await sessions.transition(session.id, 'failed', { code: 'seeded', endCode: 'no_audio' });
  await store.db.updateTable('sessions').set({ updated_at: daysAgo(days) }).where('id', '=', session.id).execute();
  await store.db.updateTable('artifacts').set({ created_at: daysAgo(days + 0.01) }).where('session_id', '=', session.id).execute();
  return { sessionId: session.id, file };
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the retention sweep in a running Quorum (QUORUM_RETENTION_DAYS)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'quorum-retention-'));
  let quorum: Quorum | undefined;
  afterAll(async () => {
    await quorum?.close();
  });

  it('sweeps once at start, then on demand, and only while it holds the store lease', async () => {
    mkdirSync(dataDir, { recursive: true });
    const seed = await openSqliteStore(dataDir);
    const expired = await oldRecording(seed, dataDir, 45);
    const recent = await oldRecording(seed, dataDir, 5);
    await seed.close();

    quorum = await startQuorum(testConfig({ QUORUM_DATA_DIR: dataDir, QUORUM_RETENTION_DAYS: 30 }));
    await until(() => !existsSync(expired.file), 'the start-up sweep deletes the expired recording');
    const running = quorum;
    await until(async () => (await running.sessions.timeline(expired.sessionId)).some((e) => e.code === 'recordings_deleted'), 'its timeline event');
    const event = (await quorum.sessions.timeline(expired.sessionId)).find((e) => e.code === 'recordings_deleted');
    expect(event?.details).toMatchObject({ reason: 'retention', by: 'retention', artifacts: 1, bytes: 2048, retention: { class: 'recordings', days: 30 } });
    expect(existsSync(recent.file)).toBe(true);

    // Another process holds the sweep's lease: this one leaves the work to it.
    const later = await oldRecording(quorum.store, dataDir, 31);
    const release = await new StoreLeases(quorum.store.db).tryAcquire('retention-sweep', 'another-process');
    expect(release).toBeDefined();
    expect(await quorum.retention.sweepNow()).toBeUndefined();
    expect(existsSync(later.file)).toBe(true);
    await release?.();
    expect(await quorum.retention.sweepNow()).toMatchObject({ sessions: 1, artifacts: 1, bytes: 2048, missing: 0, failed: 0 });
    expect(existsSync(later.file)).toBe(false);
    expect(existsSync(recent.file)).toBe(true);
  });
});

describe('the retention sweep interval (QUORUM_RETENTION_SWEEP_MINUTES)', () => {
  it('sweeps again every interval, so a session that expires while Quorum runs is swept without a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'quorum-retention-interval-'));
    const store = await openSqliteStore(dataDir);
    const sessions = new SessionStore(store.db, createMemoryBus());
    const artifacts = new ArtifactStore(store.db, join(dataDir, 'artifacts'));
    const deps = { db: store.db, sessions, artifacts, companies: new CompanyStore(store.db), log: pino({ level: 'silent' }), defaultDays: 30 };
    const sweeper = startRetentionSweeper(deps, new StoreLeases(store.db), 300);
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Seeded after the start-up sweep: only a later, timed sweep can find it.
      const expired = await oldRecording(store, dataDir, 40);
      await until(() => !existsSync(expired.file), 'a timed sweep deletes the recording', 10_000);
    } finally {
      await sweeper.stop();
      await store.close();
    }
  });
});
