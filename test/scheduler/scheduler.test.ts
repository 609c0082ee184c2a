import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/queue/memory-queue.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type { EndCode } from '../../src/sessions/end-codes.js';
import type { Session } from '../../src/sessions/session.js';
import { StaleAttemptError, type SessionStore } from '../../src/sessions/session-store.js';
import type { SessionState } from '../../src/sessions/states.js';
import { dialects, newSessionInput, openTestStore, type TestStore } from '../helpers/store.js';

type Outcome = EndCode | ((session: Session, signal: AbortSignal) => Promise<EndCode>);

/** A bot that walks the real state machine and ends with the scripted code for each attempt. */
function scriptedBot(t: TestStore, outcomes: Outcome[]) {
  const calls: Session[] = [];
  const runBot = async (session: Session, signal: AbortSignal): Promise<Session> => {
    calls.push(session);
    const outcome = outcomes.shift() ?? 'meeting_ended';
    await t.sessions.transition(session.id, 'joining', { code: 'bot_starting' });
    await t.sessions.transition(session.id, 'recording', { code: 'admitted' });
    const endCode = typeof outcome === 'function' ? await outcome(session, signal) : outcome;
    if (endCode === 'meeting_ended' || endCode === 'stopped_by_operator') {
      await t.sessions.transition(session.id, 'leaving', { code: endCode });
      await t.sessions.transition(session.id, 'processing', { code: 'finalizing' });
      return t.sessions.transition(session.id, 'done', { code: 'recorded', endCode });
    }
    return t.sessions.transition(session.id, 'failed', { code: endCode, endCode });
  };
  return { calls, runBot };
}

// An upper bound, not a timing claim: PostgreSQL on a machine busy with Chromium bots can take seconds.
const waitFor = async (check: () => Promise<boolean> | boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Stays in the meeting until its signal aborts, then reports why; resolves at once if already aborted. */
const untilAborted = (signal: AbortSignal): Promise<EndCode> =>
  new Promise((resolve) => (signal.aborted ? resolve(signal.reason as EndCode) : signal.addEventListener('abort', () => resolve(signal.reason as EndCode))));

/**
 * A bot that moves its session the way the runner does (fenced by its attempt and worker), stays in the meeting
 * until aborted, then leaves through leaving, processing and done, keeping every refusal it gets.
 */
function fencedBot(t: TestStore) {
  const aborted: EndCode[] = [];
  const refused: unknown[] = [];
  let left: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (left = resolve));
  const runBot = async (session: Session, signal: AbortSignal): Promise<Session> => {
    const fence = { attempt: session.attempt, workerId: session.workerId };
    const move = (to: SessionState, code: string) => t.sessions.transition(session.id, to, { code, fence, ...(to === 'done' ? { endCode: aborted[0] ?? 'meeting_ended' } : {}) });
    try {
      await move('joining', 'bot_starting');
      await move('recording', 'admitted');
      aborted.push(await untilAborted(signal));
      let last: Session | undefined;
      for (const [to, code] of [['leaving', 'late_leaving'], ['processing', 'late_finalizing'], ['done', 'late_recorded']] as const) {
        try {
          last = await move(to, code);
        } catch (error) {
          refused.push(error);
        }
      }
      if (last) return last;
      throw refused[0];
    } finally {
      left();
    }
  };
  return { runBot, aborted, refused, done };
}

describe.each(dialects)('scheduler on %s', (dialect) => {
  let t: TestStore;
  let scheduler: Scheduler | undefined;
  beforeEach(async () => {
    t = await openTestStore(dialect);
  });
  afterEach(async () => {
    await scheduler?.close(1000);
    scheduler = undefined;
    await t.store.close();
  });

  const start = async (outcomes: Outcome[], workerId = `${hostname()}:${process.pid}:test`, gate?: (session: Session) => Promise<Session | undefined>) => {
    const bot = scriptedBot(t, outcomes);
    scheduler = new Scheduler({ sessions: t.sessions, queue: new MemoryQueue(), bus: t.bus, runBot: bot.runBot, workerId, log: pino({ level: 'silent' }), concurrency: 2, backoffSeconds: 0.05, ...(gate ? { gate } : {}) });
    await scheduler.start();
    return bot;
  };

  it('dispatches a planned join at its time and records the run', async () => {
    const bot = await start([]);
    const session = await t.sessions.create(newSessionInput({ joinAt: new Date(Date.now() + 300) }));
    await scheduler?.plan(session);
    await waitFor(async () => (await t.sessions.get(session.id))?.state === 'done');
    expect(bot.calls).toHaveLength(1);
    expect(bot.calls[0]?.state).toBe('dispatching');
    expect(Date.parse((await t.sessions.attempts(session.id))[0]?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(session.joinAt) - 5);
  });

  it('a join that waited for a free slot past its meeting\'s end fails started_too_late, not meeting_over; the wait is measured', async () => {
    let release: () => void = () => undefined;
    const busy = new Promise<EndCode>((resolve) => (release = () => resolve('meeting_ended')));
    const bot = scriptedBot(t, [() => busy]);
    const delays: number[] = [];
    scheduler = new Scheduler({ sessions: t.sessions, queue: new MemoryQueue(), bus: t.bus, runBot: bot.runBot, workerId: `${hostname()}:${process.pid}:test`, log: pino({ level: 'silent' }), concurrency: 1, backoffSeconds: 0.05, dispatchDelay: (seconds) => delays.push(seconds) });
    await scheduler.start();
    const long = await t.sessions.create(newSessionInput({ joinAt: new Date() }));
    await scheduler.plan(long);
    await waitFor(async () => (await t.sessions.get(long.id))?.state === 'recording');
    // Due now, over in a second: the only slot stays busy until after that.
    const now = Date.now();
    const short = await t.sessions.create(newSessionInput({ startsAt: new Date(now), endsAt: new Date(now + 1000), joinAt: new Date(now) }));
    await scheduler.plan(short);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await t.sessions.get(short.id))?.state).toBe('scheduled');
    release();
    await waitFor(async () => (await t.sessions.get(short.id))?.state === 'failed');
    expect(await t.sessions.get(short.id)).toMatchObject({ endCode: 'started_too_late' });
    const ended = (await t.sessions.timeline(short.id)).find((event) => event.to === 'failed');
    expect(ended?.details).toMatchObject({ concurrency: 1 });
    expect(bot.calls.map((s) => s.id)).toEqual([long.id]);
    expect(Math.max(...delays)).toBeGreaterThanOrEqual(1.4);
  });

  it('plans again a join the queue lost: a session still scheduled a tick after it was due runs', async () => {
    const bot = scriptedBot(t, []);
    // A short lease makes the tick (a quarter of it) come every quarter second.
    scheduler = new Scheduler({ sessions: t.sessions, queue: new MemoryQueue(), bus: t.bus, runBot: bot.runBot, workerId: `${hostname()}:${process.pid}:test`, log: pino({ level: 'silent' }), concurrency: 2, backoffSeconds: 0.05, leaseSeconds: 1 });
    await scheduler.start();
    // Stored after the start's own planning pass and never enqueued: as if Redis lost the job.
    const session = await t.sessions.create(newSessionInput({ joinAt: new Date(Date.now() - 1000) }));
    await waitFor(async () => (await t.sessions.get(session.id))?.state === 'done');
    expect(bot.calls.map((s) => s.id)).toEqual([session.id]);
  });

  it('reloads what was planned before a restart', async () => {
    const session = await t.sessions.create(newSessionInput({ joinAt: new Date(Date.now() + 100) }));
    const bot = await start([]);
    await waitFor(async () => (await t.sessions.get(session.id))?.state === 'done');
    expect(bot.calls.map((s) => s.id)).toEqual([session.id]);
  });

  it('retries a transient failure as a new attempt, and stops at a final answer', async () => {
    const bot = await start(['browser_crashed', 'meeting_ended', 'admission_denied']);
    const session = await t.sessions.create(newSessionInput({ joinAt: new Date() }));
    await scheduler?.plan(session);
    await waitFor(async () => (await t.sessions.get(session.id))?.state === 'done');
    expect(bot.calls.map((s) => s.attempt)).toEqual([1, 2]);
    expect((await t.sessions.attempts(session.id)).map((a) => [a.reason, a.endCode])).toEqual([
      ['first', 'browser_crashed'],
      ['retry', 'meeting_ended'],
    ]);
    const denied = await t.sessions.create(newSessionInput({ joinAt: new Date() }));
    await scheduler?.plan(denied);
    await waitFor(async () => (await t.sessions.get(denied.id))?.state === 'failed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await t.sessions.get(denied.id)).toMatchObject({ state: 'failed', endCode: 'admission_denied', attempt: 1 });

  });

  it('ends sessions whose process died as worker_lost and retries them', async () => {
    const dead = spawnSync('true').pid;
    const session = await t.sessions.create(newSessionInput({ joinAt: new Date() }));
    await t.sessions.lease(session.id, `${hostname()}:${dead}:gone`, new Date(Date.now() + 60_000));
    for (const [to, code] of [['dispatching', 'dispatched'], ['joining', 'bot_starting'], ['recording', 'admitted']] as const) await t.sessions.transition(session.id, to, { code });
    const bot = await start([]);
    await waitFor(async () => (await t.sessions.get(session.id))?.state === 'done');
    const attempts = await t.sessions.attempts(session.id);
    expect(attempts.map((a) => a.endCode)).toEqual(['worker_lost', 'meeting_ended']);
    expect(bot.calls.map((s) => s.attempt)).toEqual([2]);
  });

  it('ends an attempt that failed outside the bot run as internal_error and tries again, instead of leaving it dispatching', async () => {
    let checks = 0;
    // The join-time check fails once, as a store blip would: the session must not stay active with its lease renewed.
    const gate = () => (checks++ === 0 ? Promise.reject(new Error('the store went away')) : Promise.resolve(undefined));
    const bot = await start([], undefined, gate);
    const session = await t.sessions.create(newSessionInput({ joinAt: new Date() }));
    await scheduler?.plan(session);
    await waitFor(async () => (await t.sessions.get(session.id))?.state === 'done');
    const attempts = await t.sessions.attempts(session.id);
    expect(attempts.map((a) => a.endCode)).toEqual(['internal_error', 'meeting_ended']);
    expect(bot.calls.map((s) => s.attempt)).toEqual([2]);
    const failed = (await t.sessions.timeline(session.id)).find((e) => e.code === 'failed_outside_run');
    expect(failed?.details).toMatchObject({ error: 'the store went away' });
  });

  it('stops a bot whose process died at once, keeping it stopped instead of retrying it as worker_lost', async () => {
    const bot = await start([]);
    const dead = spawnSync('true').pid;
    const session = await t.sessions.create(newSessionInput({ joinAt: new Date(Date.now() + 60_000) }));
    // Started after the scheduler's own recovery pass; its next one is seconds away.
    await t.sessions.lease(session.id, `${hostname()}:${dead}:gone`, new Date(Date.now() + 60_000));
    for (const [to, code] of [['dispatching', 'dispatched'], ['joining', 'bot_starting'], ['recording', 'admitted']] as const) await t.sessions.transition(session.id, to, { code });
    const stopped = await scheduler?.stop(session.id, 'wrong meeting');
    expect(stopped).toMatchObject({ state: 'failed', endCode: 'stopped_by_operator', attempt: 1 });
    await scheduler?.recover();
    expect(await t.sessions.get(session.id)).toMatchObject({ state: 'failed', endCode: 'stopped_by_operator', attempt: 1 });
    expect(bot.calls).toHaveLength(0);
  });

  it("aborts a bot whose lease was recovered elsewhere as worker_lost, and its late moves leave the next attempt alone", async () => {
    // Two processes on other hosts (their liveness is known only through leases); A renews only when told.
    const log = pino({ level: 'silent' });
    const a = fencedBot(t);
    const schedulerA = new Scheduler({ sessions: t.sessions, queue: new MemoryQueue(), bus: t.bus, runBot: a.runBot, workerId: 'host-a:1:test', log, concurrency: 1, backoffSeconds: 0.05, leaseSeconds: 60 });
    let schedulerB: Scheduler | undefined;
    try {
      await schedulerA.start();
      const session = await t.sessions.create(newSessionInput({ joinAt: new Date() }));
      await schedulerA.plan(session);
      await waitFor(async () => (await t.sessions.get(session.id))?.state === 'recording');
      // A stalls past its lease (no renewal in time): the lease runs out while its bot is still in the meeting.
      await t.store.db.updateTable('sessions').set({ lease_until: new Date(Date.now() - 1_000).toISOString() }).where('id', '=', session.id).execute();
      const b = await start([(_session, signal) => untilAborted(signal)], 'host-b:2:test');
      schedulerB = scheduler;
      if (!schedulerB) throw new Error('B did not start');
      // B's start recovers the expired lease and runs attempt 2.
      await waitFor(async () => {
        const current = await t.sessions.get(session.id);
        return current?.attempt === 2 && current.state === 'recording';
      });
      const attempt2 = { session: await t.sessions.get(session.id), timeline: await t.sessions.timeline(session.id) };
      expect(attempt2.session?.workerId).toBe('host-b:2:test');

      await schedulerA.renewLeases();
      await a.done;
      expect(a.aborted).toEqual(['worker_lost']);
      expect(a.refused).toHaveLength(3);
      for (const error of a.refused) expect(error).toBeInstanceOf(StaleAttemptError);
      await waitFor(() => !schedulerA.isRunning(session.id));
      expect(await t.sessions.get(session.id)).toEqual(attempt2.session);
      expect(await t.sessions.timeline(session.id)).toEqual(attempt2.timeline);

      // Attempt 2's bot ends as its own, with no TransitionError.
      await schedulerB.stop(session.id, 'enough');
      await waitFor(async () => (await t.sessions.get(session.id))?.state === 'done');
      expect(b.calls.map((c) => c.attempt)).toEqual([2]);
      expect((await t.sessions.attempts(session.id)).map((x) => [x.number, x.endCode, x.workerId])).toEqual([
        [1, 'worker_lost', 'host-a:1:test'],
        [2, 'stopped_by_operator', 'host-b:2:test'],
      ]);
      const codes = (await t.sessions.timeline(session.id)).map((e) => e.code);
      expect(codes.filter((c) => c.startsWith('late_') || c === 'failed_outside_run')).toEqual([]);
    } finally {
      await schedulerA.close(1000);
    }
  });

  it('aborts its bots as worker_lost when the store cannot be reached until their leases would run out', async () => {
    // A process of its own, on a store of its own that goes away while its bot is in the meeting.
    const own = await openTestStore(dialect);
    const a = fencedBot(own);
    const lines: Array<{ level: number; msg: string }> = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
    const schedulerA = new Scheduler({ sessions: own.sessions, queue: new MemoryQueue(), bus: own.bus, runBot: a.runBot, workerId: 'host-a:1:test', log, concurrency: 1, backoffSeconds: 0.05, leaseSeconds: 2 });
    try {
      await schedulerA.start();
      const session = await own.sessions.create(newSessionInput({ joinAt: new Date() }));
      await schedulerA.plan(session);
      await waitFor(async () => (await own.sessions.get(session.id))?.state === 'recording');
      // Renewals that reach the store keep the bot in (the lease is 2 s, renewed every 500 ms).
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(a.aborted).toEqual([]);
      await own.store.close();
      await a.done;
      expect(a.aborted).toEqual(['worker_lost']);
      // Failing ticks (every 500 ms) are logged at error level once, not once each.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const failed = lines.filter((line) => line.msg.startsWith('scheduler tick failed'));
      expect(failed.length).toBeGreaterThan(1);
      expect(failed.filter((line) => line.level >= 50)).toHaveLength(1);
    } finally {
      await schedulerA.close(1000);
    }
  });

  it('lets an operator retry any ended session and stop a running or planned one', async () => {
    const bot = await start([
      'meeting_ended',
      // Stays in the meeting until told to stop, however early the stop comes (a real bot checks its signal too).
      (_session, signal) => new Promise((resolve) => (signal.aborted ? resolve(signal.reason as EndCode) : signal.addEventListener('abort', () => resolve(signal.reason as EndCode)))),
    ]);
    const session = await t.sessions.create(newSessionInput({ joinAt: new Date() }));
    await scheduler?.plan(session);
    await waitFor(async () => (await t.sessions.get(session.id))?.state === 'done');
    const retried = await scheduler?.retry(session.id, 'ops asked');
    expect(retried?.attempt).toBe(2);
    // Stopping a running bot: wait until it records (running alone may still be before the dispatch).
    await waitFor(async () => scheduler?.isRunning(session.id) === true && (await t.sessions.get(session.id))?.state === 'recording');
    await scheduler?.stop(session.id, 'enough');
    await waitFor(async () => (await t.sessions.get(session.id))?.endCode === 'stopped_by_operator');
    expect(bot.calls).toHaveLength(2);
    await expect(scheduler?.retry('missing', 'x')).rejects.toThrow(/not found/);

    const planned = await t.sessions.create(newSessionInput({ joinAt: new Date(Date.now() + 60_000) }));
    await scheduler?.plan(planned);
    const cancelled = await scheduler?.stop(planned.id, 'not needed');
    expect(cancelled).toMatchObject({ state: 'cancelled', endCode: 'stopped_by_operator' });
    const timeline = await t.sessions.timeline(planned.id);
    expect(timeline.map((e) => e.code)).toEqual(['created', 'stop_requested', 'stopped_by_operator']);
    // A second stop is refused and writes nothing.
    await expect(scheduler?.stop(planned.id, 'again')).rejects.toThrow(/already ended/);
    expect(await t.sessions.timeline(planned.id)).toHaveLength(3);
    // Wanted after all: the retry keeps its join time, still a minute ahead, instead of sending a bot now.
    await expect(scheduler?.retry(planned.id, 'wanted after all')).resolves.toMatchObject({ attempt: 2, state: 'scheduled', joinAt: planned.joinAt });
  });
});

describe.each(dialects)('two processes handed the same join at once, on %s', (dialect) => {
  let t: TestStore;
  const schedulers: Scheduler[] = [];
  beforeEach(async () => {
    t = await openTestStore(dialect);
  });
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.close(1000)));
    await t.store.close();
  });

  it('one runs the bot; the other leaves the session to it, without failing it', async () => {
    // As when Redis comes back with a join whose lock lapsed: both queues hand the job out at the same moment.
    const bots = [scriptedBot(t, [(_s, signal) => Promise.race([untilAborted(signal), new Promise<EndCode>((r) => setTimeout(() => r('meeting_ended'), 500))])]), scriptedBot(t, [])];
    // Each process reads the session before either writes: both see it `scheduled`, the window a race needs.
    let arrived = 0;
    let bothRead: () => void = () => undefined;
    const together = new Promise<void>((resolve) => (bothRead = resolve));
    const readTogether = (store: SessionStore): SessionStore =>
      Object.assign(Object.create(store) as SessionStore, {
        get: async (id: string) => {
          const read = await store.get(id);
          if (read?.state === 'scheduled' && arrived < 2 && (arrived += 1) === 2) bothRead();
          if (read?.state === 'scheduled') await together;
          return read;
        },
      });
    for (const [i, bot] of bots.entries()) {
      const scheduler = new Scheduler({ sessions: readTogether(t.sessions), queue: new MemoryQueue(), bus: t.bus, runBot: bot.runBot, workerId: `${hostname()}:${process.pid}:twin-${i}`, log: pino({ level: 'silent' }), concurrency: 1, backoffSeconds: 0.05 });
      await scheduler.start();
      schedulers.push(scheduler);
    }
    const session = await t.sessions.create(newSessionInput({ joinAt: new Date(Date.now() + 200) }));
    await Promise.all(schedulers.map((s) => s.plan(session)));
    await waitFor(async () => (await t.sessions.get(session.id))?.state === 'done');
    expect(bots.flatMap((bot) => bot.calls)).toHaveLength(1);
    expect(await t.sessions.get(session.id)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    expect((await t.sessions.timeline(session.id)).map((e) => e.to)).not.toContain('failed');
  });
});
