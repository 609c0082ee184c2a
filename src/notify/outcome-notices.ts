import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { topics, type LiveBus } from '../bus.js';
import { isSingleAddress, type Replier } from '../intake/reply.js';
import type { EndCode } from '../sessions/end-codes.js';
import type { SessionChange, SessionStore } from '../sessions/session-store.js';
import { isEnded } from '../sessions/states.js';
import { StoreLeases } from '../store/leases.js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { outcomeMail } from './outcome-mail.js';

/** Endings the requester needs no word about: the organizer cancelled the meeting, so they know. */
const quietEndings: ReadonlySet<EndCode> = new Set(['meeting_cancelled']);

export interface OutcomeNoticeOptions {
  db: Kysely<Database>;
  bus: LiveBus;
  sessions: SessionStore;
  replier: Replier;
  /** The sender: the company's assistant address, else the installation's. */
  fromFor: (companyId: string) => Promise<string>;
  /** The console's view of a session, when Quorum knows its public URL. */
  sessionUrl?: (id: string) => string | undefined;
  log: Logger;
  /**
   * How long an ending must stand before it is final: a failed attempt that the retry policy tries again is
   * planned anew right after it ends (and a store blip can delay that by seconds).
   */
  settleMs?: number;
}

export interface OutcomeNotices {
  close(): Promise<void>;
}

/**
 * Tells whoever asked for a recording how it ended, once per session's final attempt: recorded, or not and why.
 * Before, a requester heard only that the meeting "will be recorded", and never learned that the bot was denied
 * entry or that a participant declined. Runs where mail is received (the process with the SMTP relay); across
 * processes a lease and the timeline's `requester_notified` keep it to one mail.
 */
export function startOutcomeNotices(options: OutcomeNoticeOptions): OutcomeNotices {
  const settleMs = options.settleMs ?? 10_000;
  const leases = new StoreLeases(options.db, { ttlMs: 60_000 });
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  const unsubscribe = options.bus.subscribe(topics.sessions, (message) => {
    const { session, event } = message as SessionChange;
    // The transition that ended it, not a later note on an ended session (a deletion, a retention sweep): those
    // would mail every old session's requester anew.
    if (event.to === null || !isEnded(event.to) || !isSingleAddress(session.requestedBy ?? '')) return;
    clearTimeout(timers.get(session.id));
    const timer = setTimeout(() => {
      timers.delete(session.id);
      const sending = notify(options, leases, session.id, session.attempt).finally(() => running.delete(sending));
      running.add(sending);
    }, settleMs);
    timer.unref();
    timers.set(session.id, timer);
  });
  return {
    async close() {
      unsubscribe();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.all(running);
    },
  };
}

async function notify(options: OutcomeNoticeOptions, leases: StoreLeases, id: string, attempt: number): Promise<void> {
  const { sessions, log } = options;
  try {
    const session = await sessions.get(id);
    // Planned again (a retry) or not ended any more: its final outcome comes later.
    if (!session || !isEnded(session.state) || session.attempt !== attempt || (session.endCode && quietEndings.has(session.endCode))) return;
    const release = await leases.tryAcquire(`notify:${id}:${attempt}`, randomUUID());
    if (!release) return;
    try {
      const timeline = await sessions.timeline(id);
      if (timeline.some((event) => event.code === 'requester_notified' && event.attempt === attempt)) return;
      const to = session.requestedBy ?? '';
      const mail = outcomeMail(session, timeline, options.sessionUrl?.(id));
      await options.replier.send({ from: await options.fromFor(session.companyId), to, ...mail });
      await sessions.note(id, 'requester_notified', { to, endCode: session.endCode, subject: mail.subject });
    } finally {
      await release();
    }
  } catch (error) {
    log.warn({ err: error, sessionId: id }, 'could not tell the requester how the meeting ended');
  }
}
