import type { Logger } from 'pino';
import { topics, type LiveBus } from '../bus.js';
import type { JobQueue, JoinJob } from '../queue/job-queue.js';
import type { EndCode } from '../sessions/end-codes.js';
import { nextAttemptAt, type AttemptEnd } from '../sessions/retry-policy.js';
import type { Session } from '../sessions/session.js';
import { isStaleAttempt, lostWorker, type SessionStore } from '../sessions/session-store.js';
import { withStoreRetry } from '../sessions/store-retry.js';
import { isEnded } from '../sessions/states.js';
import { endTooLate, lateDetails, latenessOf, lateWarnMs, type Lateness } from './lateness.js';
import { isLocalWorkerGone } from './worker-id.js';

export interface SchedulerOptions {
  sessions: SessionStore;
  queue: JobQueue;
  /** Runs one attempt; its result may say why the bot left a meeting that goes on (retry-policy.ts `Rejoin`). */
  runBot: (session: Session, signal: AbortSignal) => Promise<Session & AttemptEnd>;
  workerId: string;
  log: Logger;
  concurrency: number;
  backoffSeconds: number;
  leaseSeconds?: number;
  /** Carries aborts to whichever process runs the bot (every process hears them, its own included). */
  bus: LiveBus;
  /** Keeps what a lost attempt left behind (e.g. its partial recording); returns details for the timeline. */
  salvage?: (session: Session) => Promise<Record<string, unknown>>;
  /**
   * Runs at meeting time before anything joins or waits, whatever the plan: a session it ends (e.g. consent
   * declined, or no longer eligible) is returned and nothing else happens.
   */
  gate?: (session: Session) => Promise<Session | undefined>;
  /** Observes how late each join started, in seconds (the dispatch-delay metric). */
  dispatchDelay?: (seconds: number) => void;
  /** Plan `zoom_cloud`: at meeting time no bot joins; the session waits for Zoom's recording webhook instead. */
  cloudRecording?: {
    awaitRecording(session: Session): Promise<Session>;
    /** A stop heard on the bus: ends the session's cloud fetch if this process runs it. */
    abort?(sessionId: string, endCode: EndCode): void;
  };
}

interface AbortMessage {
  sessionId: string;
  endCode: EndCode;
}

/** A bot this process runs under a lease: `until` is the lease time last written for it. */
interface HeldLease {
  controller: AbortController;
  until: number;
}

const jobKey = (session: Pick<Session, 'id' | 'attempt'>) => `${session.id}#${session.attempt}`;

/**
 * Keeps planned joins durable (they live in the session store; the queue only holds timers), runs them
 * when due with bounded concurrency, applies the retry policy, and recovers what a dead process held.
 */
export class Scheduler {
  private readonly running = new Map<string, AbortController>();
  private readonly leased = new Map<string, HeldLease>();
  private leaseTimer: NodeJS.Timeout | undefined;
  private ticking = false;
  /** When ticks started failing (the store away); undefined while they work. */
  private failingSince: number | undefined;
  /** Sessions whose bot run ended in an error that could not be written yet (the store was away). */
  private readonly unended = new Map<string, { attempt: number; error: unknown }>();
  private readonly leaseMs: number;
  private readonly tickMs: number;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: SchedulerOptions) {
    this.leaseMs = (options.leaseSeconds ?? 60) * 1000;
    this.tickMs = Math.min(15_000, this.leaseMs / 4);
  }

  async start(): Promise<void> {
    this.unsubscribe = this.options.bus.subscribe(topics.control, (message) => {
      const abort = message as AbortMessage;
      this.running.get(abort.sessionId)?.abort(abort.endCode);
      this.options.cloudRecording?.abort?.(abort.sessionId, abort.endCode);
    });
    await this.recover();
    for (const session of await this.options.sessions.scheduled()) await this.plan(session);
    // Concurrency 0: an API-only process that plans joins for the workers but runs none itself.
    if (this.options.concurrency > 0) this.options.queue.work((job) => this.handle(job), { concurrency: this.options.concurrency });
    this.leaseTimer = setInterval(() => void this.tick(), this.tickMs);
    this.leaseTimer.unref();
  }

  /**
   * Hands a stored plan to the queue. A queue that cannot be reached (Redis away) does not fail the caller: the
   * plan is durable in the session store, and every tick plans again a join due soon that the queue does not hold.
   */
  async plan(session: Session): Promise<void> {
    try {
      await this.options.queue.enqueue({ sessionId: session.id, attempt: session.attempt }, { key: jobKey(session), runAt: new Date(session.joinAt) });
    } catch (error) {
      this.options.log.warn({ err: error, sessionId: session.id, joinAt: session.joinAt }, 'the job queue could not take the planned join; it is planned again before it is due');
    }
  }

  /**
   * An operator retry: always a new attempt of the same session, allowed for any ended session. It joins now, or
   * at its planned join time when that is still ahead (a planned join that was stopped, then wanted after all).
   */
  async retry(id: string, reason: string): Promise<Session> {
    const session = await this.mustGet(id);
    if (!isEnded(session.state)) throw new SchedulerError(`session ${id} is ${session.state}; only an ended session can be retried`, 409);
    const next = await this.options.sessions.transition(id, 'scheduled', {
      code: 'operator_retry',
      joinAt: new Date(Math.max(Date.now(), Date.parse(session.joinAt))),
      attemptReason: 'operator',
      details: { reason },
    });
    await this.plan(next);
    return next;
  }

  /** Stops a running bot (it leaves and keeps what it recorded) or cancels a planned join. */
  async stop(id: string, reason: string): Promise<Session> {
    const session = await this.mustGet(id);
    // Refused before anything is written: a stop of an ended session leaves no request in its timeline.
    if (isEnded(session.state)) throw new SchedulerError(`session ${id} has already ended (${session.state})`, 409);
    await this.options.sessions.note(id, 'stop_requested', { reason });
    return this.abort(id, 'stopped_by_operator', reason);
  }

  /**
   * Ends a session with `endCode`: a planned join is cancelled here; a running bot is told to stop
   * wherever it runs (it leaves the meeting and its runner ends the attempt with that code).
   */
  async abort(id: string, endCode: EndCode, reason: string): Promise<Session> {
    const session = await this.mustGet(id);
    if (session.state === 'scheduled') {
      await this.options.queue.cancel(jobKey(session));
      return this.options.sessions.transition(id, 'cancelled', { code: endCode, endCode, details: { reason } });
    }
    if (isEnded(session.state)) throw new SchedulerError(`session ${id} has already ended (${session.state})`, 409);
    // Nothing runs for a session waiting on Zoom's webhook: cancel it here.
    if (session.state === 'awaiting_cloud_recording') return this.options.sessions.transition(id, 'cancelled', { code: endCode, endCode, details: { reason } });
    if (this.orphaned(session)) return this.endOrphan(session, endCode, reason);
    this.options.bus.publish(topics.control, { sessionId: id, endCode } satisfies AbortMessage);
    return session;
  }

  /** Whether no live process runs this session's bot any more: its lease ran out, or its local process is gone. */
  private orphaned(session: Session): boolean {
    return !this.running.has(session.id) && lostWorker(session, new Date(), (owner) => isLocalWorkerGone(owner, this.options.workerId));
  }

  /**
   * A bot whose process died hears no abort, and recovery would end it `worker_lost` and try again: the
   * operator's stop ends the attempt here instead, with what it recorded kept, and nothing follows.
   */
  private async endOrphan(session: Session, endCode: EndCode, reason: string): Promise<Session> {
    const salvaged = (await this.options.salvage?.(session).catch(() => undefined)) ?? {};
    return this.options.sessions.transition(session.id, 'failed', { code: endCode, endCode, details: { reason, worker: session.workerId, state: session.state, ...salvaged } });
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  /** Orderly shutdown: no new joins, running bots leave (their attempts end `worker_lost` and are retried later). */
  async close(graceMs: number): Promise<void> {
    clearInterval(this.leaseTimer);
    this.unsubscribe?.();
    for (const controller of this.running.values()) controller.abort('worker_lost' satisfies EndCode);
    const drained = this.options.queue.close();
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
  }

  private async handle(job: JoinJob): Promise<void> {
    const { sessions, log } = this.options;
    const session = await sessions.get(job.sessionId);
    if (!session || session.state !== 'scheduled' || session.attempt !== job.attempt) return;
    const controller = new AbortController();
    this.running.set(session.id, controller);
    try {
      if (session.plan === 'zoom_cloud') {
        if (!(await this.gate(session))) await this.awaitCloudRecording(session);
        return;
      }
      const late = latenessOf(session, Date.now());
      this.reportLate(session, late);
      const until = Date.now() + this.leaseMs;
      if (!(await sessions.claim(session.id, session.attempt, this.options.workerId, new Date(until)))) {
        log.info({ sessionId: session.id }, 'another process took this join first; leaving it to that one');
        return;
      }
      const dispatched = await sessions.transition(session.id, 'dispatching', { code: 'dispatched', details: { worker: this.options.workerId, ...lateDetails(late) } });
      // Held from here: a renewal only extends active sessions, and `scheduled` is not one.
      this.leased.set(session.id, { controller, until });
      const slots = { running: this.running.size, concurrency: this.options.concurrency };
      const ended = late.tooLate ? await endTooLate(sessions, dispatched, late, slots) : ((await this.gate(dispatched)) ?? (await this.options.runBot(dispatched, controller.signal)));
      await this.applyRetry(ended);
    } catch (error) {
      // Recovery elsewhere ended this attempt (and may run the next): its outcome is no longer this worker's to write.
      if (isStaleAttempt(error)) log.warn({ err: error, sessionId: session.id }, 'this worker lost the session; its late writes were refused');
      else log.error({ err: error, sessionId: session.id }, 'join job failed outside the bot run');
      if (!isStaleAttempt(error)) await this.failOutsideRun(session.id, session.attempt, error);
    } finally {
      this.running.delete(session.id);
      if (this.leased.get(session.id)?.controller === controller) this.leased.delete(session.id);
    }
  }

  /** A join that starts late is measured, and one late enough to matter is said once, with how busy the slots are. */
  private reportLate(session: Session, late: Lateness): void {
    this.options.dispatchDelay?.(late.lateMs / 1000);
    if (late.lateMs < lateWarnMs) return;
    const slots = { running: this.running.size, concurrency: this.options.concurrency };
    this.options.log.warn({ sessionId: session.id, lateSeconds: Math.round(late.lateMs / 1000), ...slots }, 'a join started late: every bot slot was busy (QUORUM_CONCURRENCY), or no process ran at its time');
  }

  /**
   * An error outside the bot run (the store failing during the join-time check, settings that cannot be
   * decrypted) must not leave the session active: this worker keeps renewing its lease, so recovery would never
   * take it, and an operator cannot retry a session that has not ended. It fails with `internal_error` and the
   * retry policy decides whether another attempt follows.
   */
  private async failOutsideRun(id: string, attempt: number, error: unknown): Promise<void> {
    const { sessions, log } = this.options;
    try {
      const current = await sessions.get(id);
      if (!current || isEnded(current.state) || current.attempt !== attempt) {
        this.unended.delete(id);
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      const details = { error: reason };
      const failed = await sessions.transition(id, 'failed', { code: 'failed_outside_run', endCode: 'internal_error', details, fence: { attempt } });
      await this.applyRetry(failed);
      this.unended.delete(id);
    } catch (again) {
      // The store is away (the likely cause of the first error too). This worker renews the leases of every
      // active session it holds, so nothing else would ever end this one: every tick tries again.
      log.error({ err: again, sessionId: id }, 'could not end the session after the error; trying again on the next tick');
      this.unended.set(id, { attempt, error });
    }
  }

  /** Ends the sessions whose ending failed earlier (see failOutsideRun). */
  private async endUnended(): Promise<void> {
    for (const [id, { attempt, error }] of [...this.unended]) await this.failOutsideRun(id, attempt, error);
  }

  private gate(session: Session): Promise<Session | undefined> {
    return this.options.gate?.(session) ?? Promise.resolve(undefined);
  }

  private async awaitCloudRecording(session: Session): Promise<void> {
    try {
      const cloud = this.options.cloudRecording;
      if (cloud) await cloud.awaitRecording(session);
      else await this.options.sessions.transition(session.id, 'awaiting_cloud_recording', { code: 'awaiting_cloud_recording', details: { noBotJoins: true } });
    } catch (error) {
      this.options.log.error({ err: error, sessionId: session.id }, 'could not start waiting for the cloud recording');
    }
  }

  private async applyRetry(session: Session & AttemptEnd): Promise<void> {
    if (session.state !== 'failed' || !session.endCode) return;
    const at = nextAttemptAt({
      endCode: session.endCode,
      attempt: session.attempt,
      // A cloud fetch needs no running meeting (the recording comes after it): only the attempt count limits it.
      endsAt: session.plan === 'zoom_cloud' ? new Date(8.64e15) : new Date(session.endsAt),
      now: new Date(),
      backoffSeconds: this.options.backoffSeconds,
      rejoin: session.rejoin,
    });
    if (!at) return;
    const { sessions } = this.options;
    // Written through a database blip: lost here, the retry would never happen (the session has ended).
    const landed = async () => {
      const current = await sessions.get(session.id);
      return current?.state === 'scheduled' && current.attempt === session.attempt + 1 ? current : undefined;
    };
    const retry = () => sessions.transition(session.id, 'scheduled', { code: 'automatic_retry', joinAt: at, attemptReason: 'retry', details: { after: session.endCode } });
    const next = await withStoreRetry(retry, landed);
    await this.plan(next);
  }

  /** Ends attempts whose process died (lease expired, or the local process is gone) as `worker_lost`. */
  async recover(): Promise<void> {
    const { sessions, workerId, log } = this.options;
    const orphans = await sessions.findOrphans(new Date(), (owner) => isLocalWorkerGone(owner, workerId));
    for (const orphan of orphans) {
      if (this.running.has(orphan.id)) continue;
      log.warn({ sessionId: orphan.id, state: orphan.state, worker: orphan.workerId }, 'session lost its worker');
      const salvaged = (await this.options.salvage?.(orphan).catch(() => undefined)) ?? {};
      const failed = await sessions.transition(orphan.id, 'failed', {
        code: 'worker_lost',
        endCode: 'worker_lost',
        details: { worker: orphan.workerId, state: orphan.state, ...salvaged },
      });
      await this.applyRetry(failed);
    }
  }

  /**
   * Extends the leases of the bots this process runs. A bot whose session it no longer holds (its lease ran out
   * and another process recovered it) is told to leave with `worker_lost`, and so, while the store cannot be
   * reached, is every bot whose lease runs out before the next renewal: another process may recover it then,
   * and DESIGN §7's rejoin assumes the old bot is gone.
   */
  async renewLeases(): Promise<void> {
    const { sessions, workerId } = this.options;
    // Earlier renewals failed or still hang: these leases run out before the next one.
    this.loseExpiring();
    // Only leases written before the renewal started are in its answer.
    const asked = [...this.leased];
    const until = Date.now() + this.leaseMs;
    let held: string[];
    try {
      held = await sessions.renewLeases(workerId, new Date(until));
    } catch (error) {
      this.loseExpiring();
      throw error;
    }
    for (const [id, lease] of asked) {
      if (held.includes(id)) lease.until = until;
      else this.loseLease(id, lease, 'the session is no longer leased to this worker');
    }
  }

  /** A healthy renewal keeps every lease three renewal intervals ahead; one that runs out before the next is lost. */
  private loseExpiring(): void {
    for (const [id, lease] of this.leased) {
      if (Date.now() + this.tickMs >= lease.until) this.loseLease(id, lease, 'the store could not be reached to renew the lease');
    }
  }

  private loseLease(id: string, lease: HeldLease, why: string): void {
    if (this.leased.get(id) !== lease) return;
    this.leased.delete(id);
    this.options.log.warn({ sessionId: id, worker: this.options.workerId }, `${why}: the bot leaves (worker_lost)`);
    lease.controller.abort('worker_lost' satisfies EndCode);
  }

  private async tick(): Promise<void> {
    // A tick that still waits on a store or queue that went away must not be joined by more of them.
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.renewLeases();
      await this.endUnended();
      await this.recover();
      await this.replanOverdue();
      if (this.failingSince !== undefined) this.options.log.info({ failedForMs: Date.now() - this.failingSince }, 'scheduler ticks work again');
      this.failingSince = undefined;
    } catch (error) {
      // Once per outage at error level; the ticks after it (every few seconds) only at debug.
      const first = this.failingSince === undefined;
      this.failingSince ??= Date.now();
      this.options.log[first ? 'error' : 'debug']({ err: error }, 'scheduler tick failed (lease renewal, recovery or re-planning); trying again every tick');
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Plans again every join still `scheduled` that is due before the next tick and not in the queue. The queue can
   * lose a job (Redis restarted without its data, or the enqueue failed after the session was stored); looking a
   * tick ahead plans it again before it is due rather than a tick late. Planning is idempotent by key, and a job
   * for a session that has moved on does nothing, so a second copy is harmless.
   */
  private async replanOverdue(): Promise<void> {
    const overdue = await this.options.sessions.overdue(new Date(Date.now() + this.tickMs));
    for (const session of overdue) {
      if (this.running.has(session.id)) continue;
      // Unanswered while Redis is away (its connection watch says so once): the next tick asks again.
      const held = await this.options.queue.holds(jobKey(session)).catch(() => undefined);
      if (held === undefined) return;
      // Still in the queue: waiting for its time, due and waiting for a free slot, or just taken by a worker.
      if (held) continue;
      this.options.log.warn({ sessionId: session.id, joinAt: session.joinAt }, 'the queue does not hold a planned join; planning it again');
      await this.plan(session);
    }
  }

  private async mustGet(id: string): Promise<Session> {
    const session = await this.options.sessions.get(id);
    if (!session) throw new SchedulerError(`session ${id} not found`, 404);
    return session;
  }
}

export class SchedulerError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'SchedulerError';
  }
}
