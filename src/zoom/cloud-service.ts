import type { Kysely } from 'kysely';
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import { matchUrl as matchZoomUrl } from '../../providers/zoom/url.js';
import type { CompanyStore } from '../companies/company-store.js';
import { sessionLogger } from '../logging/logger.js';
import type { ArtifactStore } from '../sessions/artifacts.js';
import type { EndCode } from '../sessions/end-codes.js';
import type { Session } from '../sessions/session.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { Database } from '../store/schema.js';
import { zoomApiFor } from './api-client.js';
import { CloudDownloadError, fetchRecording, RefusedDownloadError, refusedFile } from './cloud-fetch.js';
import { apiCredentials, zoomSettingsOf } from './company-zoom.js';
import { ZoomDeliveries, type Delivery } from './delivery-store.js';
import { recordingEvents, recordingObjectSchema, webhookEnvelopeSchema, type RecordingObject } from './events.js';
import { ZoomHosts } from './zoom-hosts.js';

export interface ZoomCloudOptions {
  db: Kysely<Database>;
  sessions: SessionStore;
  artifacts: ArtifactStore;
  companies: Pick<CompanyStore, 'get'>;
  logger: Logger;
  /** The scheduler's worker id: its lease renewal keeps a `fetching` session alive (the same process holds it). */
  workerId: string;
  leaseSeconds: number;
  /** After the meeting's end, how long to wait for recording.completed before `cloud_recording_missing`. */
  waitSeconds: number;
  downloadAttempts: number;
  downloadBackoffMs: number;
  /**
   * Origins fetched besides Zoom's own hosts. Configuration only (main.ts passes the simulator's origin when
   * QUORUM_SIMULATE is on); a tenant's settings never widen it.
   */
  trustedOrigins?: readonly string[];
}

type Parsed = { object: RecordingObject; downloadToken: string | undefined };
type Outcome = 'done' | 'failed' | 'refused';

/** A recording may start a little before the planned start and end well after it (meetings overrun). */
const matchSlackMs = 60 * 60_000;
/** Zoom's webhook download_token expires 24 h after it is sent; after that only the API's fresh token works. */
const tokenLifeMs = 24 * 3600_000;

/**
 * Zoom cloud recordings: planned `zoom_cloud` sessions wait for Zoom's recording.completed, whose files are
 * then fetched; sessions that hear nothing in time end `cloud_recording_missing`. Deliveries are processed
 * one at a time after the webhook has been answered, so Zoom's 3-second limit never waits on a download.
 */
export class ZoomCloud {
  readonly deliveries: ZoomDeliveries;
  private readonly queue = new PQueue({ concurrency: 1 });
  private readonly log: Logger;
  private readonly hosts: ZoomHosts;
  /** Fetches running in this process, so an operator's stop (heard on the bus by every process) can end them. */
  private readonly fetching = new Map<string, AbortController>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: ZoomCloudOptions) {
    this.deliveries = new ZoomDeliveries(options.db);
    this.hosts = new ZoomHosts(options.trustedOrigins ?? []);
    this.log = options.logger.child({ component: 'zoom-cloud' });
  }

  /** Processes what an earlier run accepted but never processed, then checks deadlines periodically. */
  async start(): Promise<void> {
    for (const delivery of await this.deliveries.queued()) this.enqueue(delivery.key);
    const everyMs = Math.max(1000, Math.min(30_000, (this.options.waitSeconds * 1000) / 4));
    this.sweepTimer = setInterval(() => void this.queue.add(() => this.sweep()), everyMs);
    this.sweepTimer.unref();
  }

  enqueue(key: string): void {
    if (this.closed) return;
    void this.queue.add(() => this.process(key)).catch((error: unknown) => this.log.error({ err: error, key }, 'zoom delivery failed'));
  }

  /**
   * The scheduler's zoom_cloud step at meeting time: no bot joins; the session waits for the webhook. A new
   * attempt of a session that already had its recording delivered (an operator retry, or the automatic retry
   * after `worker_lost`) fetches again from the stored delivery: the webhook will not come a second time.
   */
  async awaitRecording(session: Session): Promise<Session> {
    const stored = await this.deliveries.forSession(session.id);
    const deadline = new Date(this.deadlineOf({ endsAt: session.endsAt, updatedAt: new Date().toISOString() }));
    const again = stored.length > 0 ? { fetchAgainFrom: stored.map((delivery) => delivery.key) } : {};
    const waiting = await this.options.sessions.transition(session.id, 'awaiting_cloud_recording', {
      code: 'awaiting_cloud_recording',
      details: { noBotJoins: true, deadline: deadline.toISOString(), ...again },
    });
    if (stored.length === 0) void this.queue.add(() => this.rematch(waiting.companyId));
    for (const { key } of stored) {
      void this.queue.add(() => this.refetch(key, session.id)).catch((error: unknown) => this.log.error({ err: error, key }, 'zoom refetch failed'));
    }
    return waiting;
  }

  /** Ends the fetch of a session running in this process (an operator's stop); a no-op elsewhere. */
  abort(sessionId: string, endCode: EndCode): void {
    this.fetching.get(sessionId)?.abort(endCode);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.queue.clear();
    await this.queue.onIdle();
  }

  /** Resolves once every queued delivery has been processed (tests, orderly shutdown). */
  idle(): Promise<void> {
    return this.queue.onIdle();
  }

  private async process(key: string): Promise<void> {
    const delivery = await this.deliveries.get(key);
    if (!delivery || (delivery.status !== 'queued' && delivery.status !== 'unmatched')) return;
    const parsed = parseRecording(delivery);
    if (!parsed) return this.deliveries.finish(key, 'ignored');
    // Before matching: a URL off Zoom's hosts is refused whatever session it names, and nothing is requested.
    const refused = refusedFile(parsed.object, this.hosts);
    if (refused) {
      this.log.warn({ companyId: delivery.companyId, key, reason: refused.reason }, 'Zoom delivery refused: a download URL is not on Zoom');
      return this.deliveries.refuse(key, refused.reason);
    }
    const session = await this.match(delivery.companyId, parsed.object);
    if (!session) {
      this.log.info({ companyId: delivery.companyId, meetingId: parsed.object.id, uuid: parsed.object.uuid }, 'no planned Zoom cloud session matches this recording yet');
      return this.deliveries.finish(key, 'unmatched');
    }
    await this.fetchAndFinish(key, session, parsed, delivery.event);
  }

  /** A stored delivery fetched again for a new attempt of its session. */
  private async refetch(key: string, sessionId: string): Promise<void> {
    const [delivery, session] = [await this.deliveries.get(key), await this.options.sessions.get(sessionId)];
    // Stopped, or moved on, while this waited in the queue.
    if (!delivery || !session || (session.state !== 'awaiting_cloud_recording' && session.state !== 'done')) return;
    const parsed = parseRecording(delivery);
    if (!parsed) return;
    const refused = refusedFile(parsed.object, this.hosts);
    if (refused) return this.deliveries.refuse(key, refused.reason);
    await this.fetchAndFinish(key, session, parsed, delivery.event);
  }

  private async fetchAndFinish(key: string, session: Session, parsed: Parsed, event: string): Promise<void> {
    // Bound first: a crash during the fetch leaves the delivery findable by the session's next attempt.
    await this.deliveries.bind(key, session.id);
    const outcome = await this.fetchFor(session, parsed.object, parsed.downloadToken, event);
    if (outcome === 'refused') return;
    await this.deliveries.finish(key, outcome === 'done' ? 'processed' : 'failed', session.id);
    if (outcome === 'done') await this.deliveries.forgetToken(key);
  }

  /** A waiting (or already fetched, for later files such as the transcript) session of the same meeting and time. */
  private async match(companyId: string, object: RecordingObject): Promise<Session | undefined> {
    const candidates = [
      ...(await this.options.sessions.list({ companyId, state: 'awaiting_cloud_recording', limit: 500 })),
      ...(await this.options.sessions.list({ companyId, state: 'done', provider: 'zoom', limit: 100 })),
    ].filter((session) => session.plan === 'zoom_cloud' && zoomMeetingId(session.meetingUrl) === object.id);
    const start = object.start_time ? Date.parse(object.start_time) : undefined;
    const inWindow = candidates.filter(
      (session) => start === undefined || (start >= Date.parse(session.startsAt) - matchSlackMs && start <= Date.parse(session.endsAt) + matchSlackMs),
    );
    const distance = (session: Session) => Math.abs((start ?? 0) - Date.parse(session.startsAt));
    return inWindow.sort((a, b) => (a.state === b.state ? distance(a) - distance(b) : a.state === 'awaiting_cloud_recording' ? -1 : 1))[0];
  }

  private async fetchFor(session: Session, object: RecordingObject, downloadToken: string | undefined, event: string): Promise<Outcome> {
    const { sessions } = this.options;
    const log = sessionLogger(this.options.logger, { ...session, sessionId: session.id });
    const zoom = await zoomSettingsOf(this.options.companies, session.companyId);
    const credentials = zoom ? apiCredentials(zoom) : undefined;
    const wasDone = session.state === 'done';
    // Registered before the state says `fetching`, so a stop that sees that state always finds the fetch.
    const controller = new AbortController();
    this.fetching.set(session.id, controller);
    const deps = { artifacts: this.options.artifacts, deliveries: this.deliveries, log, attempts: this.options.downloadAttempts, backoffMs: this.options.downloadBackoffMs, hosts: this.hosts, signal: controller.signal };
    try {
      if (!wasDone) {
        await sessions.transition(session.id, 'fetching', { code: 'cloud_recording_ready', details: { event, meetingId: object.id, uuid: object.uuid } });
        await sessions.lease(session.id, this.options.workerId, new Date(Date.now() + this.options.leaseSeconds * 1000));
      }
      try {
        const result = await fetchRecording(deps, { session, object, downloadToken, api: credentials ? zoomApiFor(credentials) : undefined });
        const details = { artifacts: result.artifactIds, alreadyFetched: result.alreadyFetched, usedApiFallback: result.usedApiFallback, uuid: object.uuid };
        if (wasDone) await sessions.note(session.id, 'cloud_files_added', { ...details, event });
        else await sessions.transition(session.id, 'done', { code: 'recorded', endCode: 'meeting_ended', details });
        return 'done';
      } catch (error) {
        return await this.fetchFailed(session, wasDone, error, controller.signal);
      }
    } finally {
      this.fetching.delete(session.id);
    }
  }

  /** Ends the attempt of a fetch that failed, was stopped, or was led off Zoom's hosts. */
  private async fetchFailed(session: Session, wasDone: boolean, error: unknown, signal: AbortSignal): Promise<Outcome> {
    const { sessions } = this.options;
    const log = sessionLogger(this.options.logger, { ...session, sessionId: session.id });
    const message = error instanceof Error ? error.message : String(error);
    const fileId = error instanceof CloudDownloadError || error instanceof RefusedDownloadError ? { fileId: error.fileId } : {};
    // The files stored before the stop stay the session's artifacts.
    const stopped = signal.aborted ? (signal.reason as EndCode) : undefined;
    const endCode: EndCode = stopped ?? 'cloud_download_failed';
    log.warn({ err: error, endCode }, stopped ? 'cloud recording fetch stopped' : 'cloud recording download failed');
    const details = { message: stopped ? 'stopped while fetching; the files already stored are kept' : message, ...fileId, ...(error instanceof RefusedDownloadError ? { refused: true } : {}) };
    if (wasDone) await sessions.note(session.id, 'cloud_files_failed', details);
    else await sessions.transition(session.id, 'failed', { code: stopped ? endCode : 'cloud_download_failed', endCode, details });
    return error instanceof RefusedDownloadError && !stopped ? 'refused' : 'failed';
  }

  /** When a waiting session gives up: a window after its meeting's end, or after it started waiting if later (a retry). */
  private deadlineOf(session: Pick<Session, 'endsAt' | 'updatedAt'>): number {
    return Math.max(Date.parse(session.endsAt), Date.parse(session.updatedAt)) + this.options.waitSeconds * 1000;
  }

  /** Deadlines of waiting sessions, and recordings that arrived before their session was waiting. */
  private async sweep(): Promise<void> {
    const now = Date.now();
    const expired = await this.deliveries.expire(new Date(now - this.options.waitSeconds * 1000), new Date(now - tokenLifeMs));
    if (expired > 0) this.log.info({ expired }, 'unmatched Zoom deliveries expired');
    const waiting = await this.options.sessions.list({ state: 'awaiting_cloud_recording', limit: 1000 });
    const companies = new Set<string>();
    for (const session of waiting) {
      if (now <= this.deadlineOf(session)) {
        companies.add(session.companyId);
        continue;
      }
      sessionLogger(this.options.logger, { ...session, sessionId: session.id }).warn({ endCode: 'cloud_recording_missing' }, 'Zoom never reported a cloud recording');
      await this.options.sessions
        .transition(session.id, 'failed', { code: 'cloud_recording_missing', endCode: 'cloud_recording_missing', details: { waitedSeconds: this.options.waitSeconds } })
        .catch((error: unknown) => this.log.debug({ err: error }, 'session moved on before its deadline'));
    }
    for (const companyId of companies) await this.rematch(companyId);
  }

  /** Unmatched deliveries still inside the window whose meeting a waiting session of the company records. */
  private async rematch(companyId: string): Promise<void> {
    const waiting = await this.options.sessions.list({ companyId, state: 'awaiting_cloud_recording', limit: 500 });
    const meetings = new Set(waiting.filter((session) => session.plan === 'zoom_cloud').map((session) => zoomMeetingId(session.meetingUrl)));
    if (meetings.size === 0) return;
    for (const delivery of await this.deliveries.unmatched(companyId, new Date(Date.now() - this.options.waitSeconds * 1000))) {
      const parsed = parseRecording(delivery);
      if (parsed && meetings.has(parsed.object.id)) await this.process(delivery.key);
    }
  }
}

function zoomMeetingId(link: string): string | undefined {
  try {
    return matchZoomUrl(new URL(link))?.id;
  } catch {
    return undefined;
  }
}

function parseRecording(delivery: Delivery): Parsed | undefined {
  if (!recordingEvents.includes(delivery.event)) return undefined;
  try {
    const envelope = webhookEnvelopeSchema.parse(JSON.parse(delivery.body));
    const object = recordingObjectSchema.safeParse(envelope.payload.object);
    return object.success ? { object: object.data, downloadToken: envelope.download_token } : undefined;
  } catch {
    return undefined;
  }
}
