import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { topics } from '../../src/bus.js';
import { StaleAttemptError, TransitionError, type SessionChange } from '../../src/sessions/session-store.js';
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

  it("refuses a bot's move once its attempt is no longer current or its worker no longer holds it, and changes nothing", async () => {
    const session = await t.sessions.create(newSessionInput());
    await t.sessions.lease(session.id, 'worker-a', new Date(Date.now() + 60_000));
    await t.sessions.transition(session.id, 'dispatching', { code: 'dispatched' });
    const first = { attempt: 1, workerId: 'worker-a' };
    await t.sessions.transition(session.id, 'joining', { code: 'bot_starting', fence: first });
    // Recovery elsewhere: attempt 1 ends worker_lost, attempt 2 starts on worker B.
    await t.sessions.transition(session.id, 'failed', { code: 'worker_lost', endCode: 'worker_lost' });
    // Attempt 1 ended and no longer leased (no retry yet): its worker's late move is refused as stale, not a table error.
    await expect(t.sessions.transition(session.id, 'failed', { code: 'kicked', endCode: 'kicked', fence: first })).rejects.toBeInstanceOf(StaleAttemptError);
    await t.sessions.transition(session.id, 'scheduled', { code: 'automatic_retry', joinAt: new Date(), attemptReason: 'retry' });
    await t.sessions.lease(session.id, 'worker-b', new Date(Date.now() + 60_000));
    await t.sessions.transition(session.id, 'dispatching', { code: 'dispatched' });
    await t.sessions.transition(session.id, 'joining', { code: 'bot_starting', fence: { attempt: 2, workerId: 'worker-b' } });
    const before = { session: await t.sessions.get(session.id), timeline: await t.sessions.timeline(session.id), attempts: await t.sessions.attempts(session.id) };

    const late = t.sessions.transition(session.id, 'leaving', { code: 'meeting_ended', fence: first });
    await expect(late).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(late).rejects.toBeInstanceOf(TransitionError);
    await expect(late).rejects.toMatchObject({ fence: first, current: { attempt: 2, workerId: 'worker-b' } });
    // The right attempt from the wrong worker is refused too.
    await expect(t.sessions.transition(session.id, 'recording', { code: 'admitted', fence: { attempt: 2, workerId: 'worker-a' } })).rejects.toBeInstanceOf(StaleAttemptError);
    expect(await t.sessions.get(session.id)).toEqual(before.session);
    expect(await t.sessions.timeline(session.id)).toEqual(before.timeline);
    expect(await t.sessions.attempts(session.id)).toEqual(before.attempts);

    // A stale bot's timeline note is not written either; the current attempt's is.
    expect(await t.sessions.note(session.id, 'recording_deleted', { reason: 'consent_declined' }, first)).toBe(false);
    expect(await t.sessions.timeline(session.id)).toEqual(before.timeline);
    expect(await t.sessions.note(session.id, 'recording_deleted', { reason: 'consent_declined' }, { attempt: 2, workerId: 'worker-b' })).toBe(true);
    expect((await t.sessions.timeline(session.id)).at(-1)).toMatchObject({ attempt: 2, code: 'recording_deleted' });

    // Attempt 2's own bot, and callers that act on whatever attempt is current, still move it.
    await t.sessions.transition(session.id, 'recording', { code: 'admitted', fence: { attempt: 2, workerId: 'worker-b' } });
    await t.sessions.transition(session.id, 'failed', { code: 'stopped_by_operator', endCode: 'stopped_by_operator' });
    expect((await t.sessions.attempts(session.id)).map((a) => [a.number, a.endCode, a.workerId])).toEqual([
      [1, 'worker_lost', 'worker-a'],
      [2, 'stopped_by_operator', 'worker-b'],
    ]);
  });

  it('renews only the leases a worker still holds, and says which', async () => {
    const mine = await t.sessions.create(newSessionInput());
    const taken = await t.sessions.create(newSessionInput({ meetingUrl: 'https://meet.google.com/tak-enxx-abc' }));
    for (const session of [mine, taken]) {
      await t.sessions.lease(session.id, 'worker-a', new Date(Date.now() + 1_000));
      await t.sessions.transition(session.id, 'dispatching', { code: 'dispatched' });
    }
    // Recovered elsewhere and leased to another worker.
    await t.sessions.transition(taken.id, 'failed', { code: 'worker_lost', endCode: 'worker_lost' });
    await t.sessions.transition(taken.id, 'scheduled', { code: 'automatic_retry', joinAt: new Date(), attemptReason: 'retry' });
    await t.sessions.lease(taken.id, 'worker-b', new Date(Date.now() + 1_000));
    await t.sessions.transition(taken.id, 'dispatching', { code: 'dispatched' });
    const until = new Date(Date.now() + 60_000);
    expect(await t.sessions.renewLeases('worker-a', until)).toEqual([mine.id]);
    expect((await t.sessions.get(mine.id))?.leaseUntil).toBe(until.toISOString());
    expect(Date.parse((await t.sessions.get(taken.id))?.leaseUntil ?? '')).toBeLessThan(until.getTime() - 30_000);
    await t.sessions.transition(mine.id, 'failed', { code: 'kicked', endCode: 'kicked' });
    expect(await t.sessions.renewLeases('worker-a', until)).toEqual([]);
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
