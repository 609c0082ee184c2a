import type { Kysely } from 'kysely';
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import { matchUrl as matchZoomUrl } from '../../providers/zoom/url.js';
import type { CompanyStore } from '../companies/company-store.js';
import { sessionLogger } from '../logging/logger.js';
import type { ArtifactStore } from '../sessions/artifacts.js';
import type { Session } from '../sessions/session.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { Database } from '../store/schema.js';
import { zoomApiFor } from './api-client.js';
import { CloudDownloadError, fetchRecording } from './cloud-fetch.js';
import { apiCredentials, zoomSettingsOf } from './company-zoom.js';
import { ZoomDeliveries, type Delivery } from './delivery-store.js';
import { recordingEvents, recordingObjectSchema, webhookEnvelopeSchema, type RecordingObject } from './events.js';

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
}

/** A recording may start a little before the planned start and end well after it (meetings overrun). */
const matchSlackMs = 60 * 60_000;

/**
 * Zoom cloud recordings: planned `zoom_cloud` sessions wait for Zoom's recording.completed, whose files are
 * then fetched; sessions that hear nothing in time end `cloud_recording_missing`. Deliveries are processed
 * one at a time after the webhook has been answered, so Zoom's 3-second limit never waits on a download.
 */
export class ZoomCloud {
  readonly deliveries: ZoomDeliveries;
  private readonly queue = new PQueue({ concurrency: 1 });
  private readonly log: Logger;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: ZoomCloudOptions) {
    this.deliveries = new ZoomDeliveries(options.db);
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

  /** The scheduler's zoom_cloud step at meeting time: no bot joins; the session waits for the webhook. */
  async awaitRecording(session: Session): Promise<Session> {
    const deadline = new Date(Date.parse(session.endsAt) + this.options.waitSeconds * 1000);
    const waiting = await this.options.sessions.transition(session.id, 'awaiting_cloud_recording', {
      code: 'awaiting_cloud_recording',
      details: { noBotJoins: true, deadline: deadline.toISOString() },
    });
    void this.queue.add(() => this.rematch(waiting.companyId));
    return waiting;
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
    const session = await this.match(delivery.companyId, parsed.object);
    if (!session) {
      this.log.info({ companyId: delivery.companyId, meetingId: parsed.object.id, uuid: parsed.object.uuid }, 'no planned Zoom cloud session matches this recording yet');
      return this.deliveries.finish(key, 'unmatched');
    }
    await this.fetchFor(session, parsed.object, parsed.downloadToken, delivery.event);
    await this.deliveries.finish(key, 'processed', session.id);
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

  private async fetchFor(session: Session, object: RecordingObject, downloadToken: string | undefined, event: string): Promise<void> {
    const { sessions } = this.options;
    const log = sessionLogger(this.options.logger, { ...session, sessionId: session.id });
    const zoom = await zoomSettingsOf(this.options.companies, session.companyId);
    const credentials = zoom ? apiCredentials(zoom) : undefined;
    const wasDone = session.state === 'done';
    if (!wasDone) {
      await sessions.transition(session.id, 'fetching', { code: 'cloud_recording_ready', details: { event, meetingId: object.id, uuid: object.uuid } });
      await sessions.lease(session.id, this.options.workerId, new Date(Date.now() + this.options.leaseSeconds * 1000));
    }
    const deps = { artifacts: this.options.artifacts, deliveries: this.deliveries, log, attempts: this.options.downloadAttempts, backoffMs: this.options.downloadBackoffMs };
    try {
      const result = await fetchRecording(deps, { session, object, downloadToken, api: credentials ? zoomApiFor(credentials) : undefined });
      const details = { artifacts: result.artifactIds, alreadyFetched: result.alreadyFetched, usedApiFallback: result.usedApiFallback, uuid: object.uuid };
      if (wasDone) await sessions.note(session.id, 'cloud_files_added', { ...details, event });
      else await sessions.transition(session.id, 'done', { code: 'recorded', endCode: 'meeting_ended', details });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.warn({ err: error, endCode: 'cloud_download_failed' }, 'cloud recording download failed');
      const details = { message, ...(error instanceof CloudDownloadError ? { fileId: error.fileId } : {}) };
      if (wasDone) await sessions.note(session.id, 'cloud_files_failed', details);
      else await sessions.transition(session.id, 'failed', { code: 'cloud_download_failed', endCode: 'cloud_download_failed', details });
    }
  }

  /** Deadlines of waiting sessions, and recordings that arrived before their session was waiting. */
  private async sweep(): Promise<void> {
    const now = Date.now();
    const waiting = await this.options.sessions.list({ state: 'awaiting_cloud_recording', limit: 1000 });
    const companies = new Set<string>();
    for (const session of waiting) {
      const deadline = Date.parse(session.endsAt) + this.options.waitSeconds * 1000;
      if (now <= deadline) {
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

  private async rematch(companyId: string): Promise<void> {
    for (const delivery of await this.deliveries.unmatched(companyId)) await this.process(delivery.key);
  }
}

function zoomMeetingId(link: string): string | undefined {
  try {
    return matchZoomUrl(new URL(link))?.id;
  } catch {
    return undefined;
  }
}

function parseRecording(delivery: Delivery): { object: RecordingObject; downloadToken: string | undefined } | undefined {
  if (!recordingEvents.includes(delivery.event)) return undefined;
  try {
    const envelope = webhookEnvelopeSchema.parse(JSON.parse(delivery.body));
    const object = recordingObjectSchema.safeParse(envelope.payload.object);
    return object.success ? { object: object.data, downloadToken: envelope.download_token } : undefined;
  } catch {
    return undefined;
  }
}
