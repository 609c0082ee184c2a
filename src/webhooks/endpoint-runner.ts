import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ArtifactStore } from '../sessions/artifacts.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { StoreLeases } from '../store/leases.js';
import type { Database } from '../store/schema.js';
import { deliver } from './deliver.js';
import { subscribedTypes, type WebhookEndpoint } from './endpoint-settings.js';
import { endpointLeaseKey, isAfter, lastPart, type EndpointState, type EndpointStates, type FeedPosition } from './endpoint-state.js';
import { itemsOf, webhookEventOf, type FeedItem } from './events.js';
import { newestEventId, readFeed, settledPrefix } from './timeline-feed.js';
import { backoffMs, type WebhookTimings } from './timings.js';

export interface RunnerDeps {
  db: Kysely<Database>;
  states: EndpointStates;
  leases: StoreLeases;
  /** This process's name on the leases. */
  holder: string;
  sessions: Pick<SessionStore, 'get'>;
  artifacts: Pick<ArtifactStore, 'list'>;
  timings: WebhookTimings;
  log: Logger;
  /** Aborted when Quorum closes: a request under way is dropped and sent again after the next start. */
  closing: AbortSignal;
  /** Endpoints on loopback or private addresses are reached (QUORUM_WEBHOOK_INTERNAL_TARGETS). */
  internalTargets: boolean;
}

/**
 * Delivers one company endpoint's events in timeline order, one at a time, in this process. A pass runs only while
 * it holds the endpoint's lease, so across processes one sends at a time and the order holds. A failure stops the
 * pass (the next event waits behind the failed one) and sets the next try; other endpoints have runners of their own.
 */
export class EndpointRunner {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;

  constructor(
    readonly companyId: string,
    /** Replaced when the company's settings are read again (a new secret, other event types). */
    public endpoint: WebhookEndpoint,
    private readonly deps: RunnerDeps,
  ) {}

  /** Looks for undelivered events now (or right after the pass under way). */
  kick(): void {
    if (this.deps.closing.aborted || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((error: unknown) => this.deps.log.error({ err: error, companyId: this.companyId, endpoint: shownUrl(this.endpoint.url) }, 'webhook pass failed; trying again at the next poll'))
      .finally(() => {
        this.running = undefined;
        if (!this.again) return;
        this.again = false;
        this.kick();
      });
  }

  /** Stops for good (Quorum closes, or the company removed the endpoint) once the pass under way ends. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timerAt = Infinity;
    await this.running;
  }

  /** Kicks at `atMs`, unless an earlier kick is already planned. */
  private later(atMs: number): void {
    if (this.deps.closing.aborted || this.stopped || atMs >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = atMs;
    this.timer = setTimeout(
      () => {
        this.timerAt = Infinity;
        this.kick();
      },
      Math.max(0, atMs - Date.now()),
    );
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    const { states, leases, holder, db } = this.deps;
    const state = await states.ensure(this.companyId, this.endpoint.url);
    if (this.backingOff(state)) return;
    // Cheap reads first: most wake-ups (another company's session, a note) leave this endpoint nothing to send.
    if (state.cursor.part >= lastPart && (await newestEventId(db)) <= state.cursor.eventId) return;
    const release = await leases.tryAcquire(endpointLeaseKey(this.companyId, this.endpoint.url), holder);
    if (!release) {
      // Another process is sending; it may have read the feed just before our event landed.
      this.later(Date.now() + this.deps.timings.busyRetryMs);
      return;
    }
    try {
      while (await this.batch()) {
        // Each batch reads on from where the last one left the cursor.
      }
    } finally {
      await release();
    }
  }

  private backingOff(state: EndpointState): boolean {
    const next = state.nextAttemptAt === null ? 0 : Date.parse(state.nextAttemptAt);
    if (next <= Date.now()) return false;
    this.later(next);
    return true;
  }

  /** Sends what one read of the feed holds for this endpoint; true when more may follow at once. */
  private async batch(): Promise<boolean> {
    const { states, timings, db } = this.deps;
    // Read again under the lease: another process may have moved on, or failed and set a next try, since.
    const state = await states.get(this.companyId, this.endpoint.url);
    if (!state || this.backingOff(state) || this.deps.closing.aborted) return false;
    const read = await readFeed(db, state.cursor.eventId, timings.batchSize);
    const { events, waitUntilMs } = settledPrefix(read, state.cursor.eventId, Date.now(), timings.gapGraceMs);
    if (waitUntilMs !== undefined) this.later(waitUntilMs);
    const wanted = subscribedTypes(this.endpoint);
    let passed: FeedPosition | undefined;
    for (const event of events) {
      const items = event.companyId === this.companyId ? itemsOf(event).filter((item) => wanted.includes(item.type)) : [];
      for (const item of items) {
        const position = { eventId: event.id, part: item.part };
        if (isAfter(position, state.cursor) && !(await this.send(item, position))) return false;
      }
      passed = { eventId: event.id, part: lastPart };
    }
    // Events this endpoint takes nothing from move the cursor too, or every pass would read them again.
    if (passed && isAfter(passed, state.cursor)) await states.skipped(this.companyId, this.endpoint.url, passed);
    return waitUntilMs === undefined && read.length === timings.batchSize;
  }

  /** One event, sent and its outcome stored; false when it failed (the pass stops, the cursor stays). */
  private async send(item: FeedItem, position: FeedPosition): Promise<boolean> {
    const { states, timings, closing, log } = this.deps;
    const session = await this.deps.sessions.get(item.event.sessionId);
    if (!session) return true;
    const artifacts = item.type === 'session.ended' ? await this.deps.artifacts.list(session.id) : [];
    const event = webhookEventOf(item, session, artifacts);
    const result = await deliver(this.endpoint, event, { timeoutMs: timings.timeoutMs, closing, internalTargets: this.deps.internalTargets });
    if (closing.aborted) return false;
    if (result.ok) {
      await states.delivered(this.companyId, this.endpoint.url, position, event.id);
      return true;
    }
    const failures = ((await states.get(this.companyId, this.endpoint.url))?.consecutiveFailures ?? 0) + 1;
    const next = new Date(Date.now() + backoffMs(failures, timings));
    await states.failed(this.companyId, this.endpoint.url, { at: new Date().toISOString(), status: result.status, error: result.error, eventId: event.id }, next);
    log.warn({ companyId: this.companyId, endpoint: shownUrl(this.endpoint.url), eventId: event.id, status: result.status, error: result.error, failures, nextAttemptAt: next.toISOString() }, 'webhook delivery failed; trying again later');
    this.later(next.getTime());
    return false;
  }
}

/** An endpoint's URL for the log: without its query, where receivers sometimes put a token of their own. */
export function shownUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
