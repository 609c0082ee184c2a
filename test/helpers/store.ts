import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryBus, type LiveBus } from '../../src/bus.js';
import { SessionStore } from '../../src/sessions/session-store.js';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openPostgresStore, openSqliteStore, type Store } from '../../src/store/database.js';
import type { Dialect } from '../../src/store/migrations.js';

export interface TestStore {
  dir: string;
  store: Store;
  bus: LiveBus;
  sessions: SessionStore;
}

/** Both databases Quorum runs on; every store test runs against each (a conformance suite). */
export const dialects: readonly Dialect[] = ['sqlite', 'postgres'];

/** The PostgreSQL the tests use; `npm test` starts it (scripts/services.sh) and sets this variable. */
export function testDatabaseUrl(): string {
  const url = process.env.QUORUM_TEST_DATABASE_URL;
  if (!url) throw new Error('QUORUM_TEST_DATABASE_URL is not set: run `eval "$(sh scripts/services.sh)"` (npm test does)');
  return url;
}

/** A real store: SQLite in a fresh temporary folder, or a fresh schema in the test PostgreSQL. */
export async function openTestStore(dialect: Dialect = 'sqlite'): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'quorum-test-'));
  const store = dialect === 'sqlite' ? await openSqliteStore(dir) : await openPostgresTestStore();
  const bus = createMemoryBus();
  return { dir, store, bus, sessions: new SessionStore(store.db, bus) };
}

async function openPostgresTestStore(): Promise<Store> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const store = await openPostgresStore(testDatabaseUrl(), { schema, poolSize: 4 });
  return {
    ...store,
    close: async () => {
      await sql`drop schema ${sql.id(schema)} cascade`.execute(store.db);
      await store.close();
    },
  };
}

export function inMinutes(minutes: number, from = new Date()): Date {
  return new Date(from.getTime() + minutes * 60_000);
}

export function newSessionInput(overrides: Partial<Parameters<SessionStore['create']>[0]> = {}) {
  const startsAt = overrides.startsAt ?? inMinutes(5);
  return {
    companyId: 'default',
    provider: 'meet',
    plan: 'bot' as const,
    meetingUrl: 'https://meet.google.com/abc-defg-hij',
    startsAt,
    endsAt: inMinutes(60, startsAt),
    joinAt: startsAt,
    ...overrides,
  };
}
