import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/queue/memory-queue.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type { EndCode } from '../../src/sessions/end-codes.js';
import type { Session } from '../../src/sessions/session.js';
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
    await expect(scheduler?.retry(planned.id, 'running?')).resolves.toMatchObject({ attempt: 2 });
  });
});
