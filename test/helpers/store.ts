import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryBus, type LiveBus } from '../../src/bus.js';
import { SessionStore } from '../../src/sessions/session-store.js';
import { openSqliteStore, type Store } from '../../src/store/database.js';

export interface TestStore {
  dir: string;
  store: Store;
  bus: LiveBus;
  sessions: SessionStore;
}

/** A real SQLite store in a fresh temporary folder. */
export async function openTestStore(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'quorum-test-'));
  const store = await openSqliteStore(dir);
  const bus = createMemoryBus();
  return { dir, store, bus, sessions: new SessionStore(store.db, bus) };
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
