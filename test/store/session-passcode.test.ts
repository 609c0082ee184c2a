import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { topics } from '../../src/bus.js';
import { MeetingsStore } from '../../src/intake/meetings-store.js';
import type { SessionChange } from '../../src/sessions/session-store.js';
import { dialects, newSessionInput, openTestStore, type TestStore } from '../helpers/store.js';

/** The meeting passcode kept with a session (migration 0015): stored as given, shown only masked. */
describe.each(dialects)('a session\'s meeting passcode on %s', (dialect) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(dialect);
  });
  afterEach(async () => {
    await t.store.close();
  });

  it('is kept for the join and masked in every Session: created, read, listed and published', async () => {
    const published: unknown[] = [];
    t.bus.subscribe(topics.sessions, (m) => published.push((m as SessionChange).session));
    const created = await t.sessions.create({ ...newSessionInput(), passcode: 'gP3m@42x' });
    const plain = await t.sessions.create(newSessionInput());
    expect(created.passcode).toBe('••••••');
    expect(plain).not.toHaveProperty('passcode');
    expect(await t.sessions.passcode(created.id)).toBe('gP3m@42x');
    expect(await t.sessions.passcode(plain.id)).toBeUndefined();
    expect((await t.sessions.get(created.id))?.passcode).toBe('••••••');
    const seen = JSON.stringify([await t.sessions.list(), published, await t.sessions.timeline(created.id)]);
    expect(seen).toContain('••••••');
    expect(seen).not.toContain('gP3m@42x');
  });

  it('is replaced, or removed, when an update moves the planned join', async () => {
    const session = await t.sessions.create({ ...newSessionInput(), passcode: 'old-1' });
    const meetings = new MeetingsStore(t.store.db);
    const move = { startsAt: new Date(session.startsAt), endsAt: new Date(session.endsAt), joinAt: new Date(session.joinAt), meetingUrl: session.meetingUrl, provider: session.provider, plan: session.plan, decision: null };
    expect(await meetings.moveSession(session.id, { ...move, passcode: 'new-2' })).toBe(true);
    expect(await t.sessions.passcode(session.id)).toBe('new-2');
    expect(await meetings.moveSession(session.id, { ...move, passcode: null })).toBe(true);
    expect(await t.sessions.passcode(session.id)).toBeUndefined();
    expect(await t.sessions.get(session.id)).not.toHaveProperty('passcode');
  });
});
