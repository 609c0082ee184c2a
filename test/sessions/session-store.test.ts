import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { topics } from '../../src/bus.js';
import { TransitionError, type SessionChange } from '../../src/sessions/session-store.js';
import { canTransition, sessionStates, transitions } from '../../src/sessions/states.js';
import { dialects, newSessionInput, openTestStore, type TestStore } from '../helpers/store.js';

describe.each(dialects)('session store on %s', (dialect) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(dialect);
  });
  afterEach(async () => {
    await t.store.close();
  });

  it('creates a scheduled first attempt with a timeline event', async () => {
    const session = await t.sessions.create(newSessionInput());
    expect(session.state).toBe('scheduled');
    expect(session.attempt).toBe(1);
    const timeline = await t.sessions.timeline(session.id);
    expect(timeline.map((e) => [e.from, e.to, e.code])).toEqual([[null, 'scheduled', 'created']]);
    expect(await t.sessions.attempts(session.id)).toMatchObject([{ number: 1, reason: 'first' }]);
  });

  it('stores every transition as an event and publishes it', async () => {
    const session = await t.sessions.create(newSessionInput());
    const seen: string[] = [];
    t.bus.subscribe(topics.sessions, (m) => seen.push((m as SessionChange).event.code));
    for (const [to, code] of [['dispatching', 'dispatched'], ['joining', 'bot_starting'], ['waiting_room', 'waiting_room'], ['recording', 'admitted'], ['leaving', 'meeting_ended'], ['processing', 'finalizing'], ['done', 'recorded']] as const) {
      await t.sessions.transition(session.id, to, { code, ...(to === 'done' ? { endCode: 'meeting_ended' as const } : {}) });
    }
    const done = await t.sessions.get(session.id);
    expect(done).toMatchObject({ state: 'done', endCode: 'meeting_ended' });
    const timeline = await t.sessions.timeline(session.id);
    expect(timeline.map((e) => e.to)).toEqual(['scheduled', 'dispatching', 'joining', 'waiting_room', 'recording', 'leaving', 'processing', 'done']);
    expect(timeline.at(-1)?.details).toEqual({ endCode: 'meeting_ended' });
    expect(seen).toEqual(['dispatched', 'bot_starting', 'waiting_room', 'admitted', 'meeting_ended', 'finalizing', 'recorded']);
    const [attempt] = await t.sessions.attempts(session.id);
    expect(attempt?.startedAt).toBeTruthy();
    expect(attempt?.admittedAt).toBeTruthy();
    expect(attempt?.endCode).toBe('meeting_ended');
  });

  it('refuses moves the transition table does not list, and changes nothing', async () => {
    const session = await t.sessions.create(newSessionInput());
    await expect(t.sessions.transition(session.id, 'recording', { code: 'admitted' })).rejects.toBeInstanceOf(TransitionError);
    await expect(t.sessions.transition('missing', 'dispatching', { code: 'x' })).rejects.toThrow(/does not exist/);
    expect((await t.sessions.get(session.id))?.state).toBe('scheduled');
    expect(await t.sessions.timeline(session.id)).toHaveLength(1);
  });

  it('a retry from an ended state is a new attempt of the same session', async () => {
    const session = await t.sessions.create(newSessionInput());
    await t.sessions.transition(session.id, 'dispatching', { code: 'dispatched' });
    await t.sessions.transition(session.id, 'failed', { code: 'browser_crashed', endCode: 'browser_crashed' });
    const retried = await t.sessions.transition(session.id, 'scheduled', { code: 'automatic_retry', joinAt: new Date(), attemptReason: 'retry' });
    expect(retried).toMatchObject({ state: 'scheduled', attempt: 2, endCode: null });
    expect((await t.sessions.attempts(session.id)).map((a) => [a.number, a.reason, a.endCode])).toEqual([
      [1, 'first', 'browser_crashed'],
      [2, 'retry', null],
    ]);
  });

  it('finds the session not yet ended for a meeting, by its start or, for "join now", by the time it holds', async () => {
    const url = 'https://meet.google.com/fin-dabc-def';
    const startsAt = new Date(Date.now() - 60_000);
    const session = await t.sessions.create(newSessionInput({ meetingUrl: url, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000) }));
    expect((await t.sessions.activeFor('default', url, { startsAt }))?.id).toBe(session.id);
    expect((await t.sessions.activeFor('default', url, { during: new Date() }))?.id).toBe(session.id);
    expect(await t.sessions.activeFor('default', url, { during: new Date(startsAt.getTime() + 7_200_000) })).toBeUndefined();
    expect(await t.sessions.activeFor('other', url, { startsAt })).toBeUndefined();
    expect(await t.sessions.activeFor('default', 'https://meet.google.com/oth-erab-cde', { startsAt })).toBeUndefined();
    await t.sessions.transition(session.id, 'cancelled', { code: 'stopped', endCode: 'stopped_by_operator' });
    expect(await t.sessions.activeFor('default', url, { startsAt })).toBeUndefined();
  });

  it('lists with filters and counts by state', async () => {
    const a = await t.sessions.create(newSessionInput());
    await t.sessions.create(newSessionInput({ provider: 'zoom' }));
    await t.sessions.transition(a.id, 'cancelled', { code: 'stopped_by_operator', endCode: 'stopped_by_operator' });
    expect((await t.sessions.list({ state: 'cancelled' })).map((s) => s.id)).toEqual([a.id]);
    expect(await t.sessions.list({ provider: 'zoom' })).toHaveLength(1);
    expect(await t.sessions.countByState()).toEqual({ cancelled: 1, scheduled: 1 });
  });

  it('every state in the table can be reached and left only as listed', () => {
    const targets = new Set(Object.values(transitions).flat());
    for (const state of sessionStates) {
      if (state !== 'scheduled') expect(targets.has(state), state).toBe(true);
    }
    expect(canTransition('recording', 'scheduled')).toBe(false);
    expect(canTransition('done', 'scheduled')).toBe(true);
  });
});
