import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Logger } from 'pino';
import type { ArtifactKind, ArtifactStore } from '../sessions/artifacts.js';
import type { Session } from '../sessions/session.js';
import type { ZoomApi } from './api-client.js';
import type { ZoomDeliveries } from './delivery-store.js';
import { completedFiles, type RecordingFile, type RecordingObject } from './events.js';
import type { ZoomHosts } from './zoom-hosts.js';

export interface FetchDeps {
  artifacts: ArtifactStore;
  deliveries: ZoomDeliveries;
  log: Logger;
  /** Tries per file for transient failures (network, 5xx). */
  attempts: number;
  backoffMs: number;
  /** Where downloads may go, checked on the first URL and on every redirect hop. */
  hosts: ZoomHosts;
  /** An operator's stop: the download in flight is cancelled and nothing more is fetched. */
  signal?: AbortSignal;
}

export interface FetchInput {
  session: Session;
  object: RecordingObject;
  /** The webhook's `download_token`; absent or expired → the API's `download_access_token`. */
  downloadToken: string | undefined;
  api: ZoomApi | undefined;
}

export interface FetchResult {
  artifactIds: string[];
  /** Files already stored for this session by an earlier delivery. */
  alreadyFetched: number;
  usedApiFallback: boolean;
}

/** A file could not be downloaded after every try; the session ends `cloud_download_failed`. */
export class CloudDownloadError extends Error {
  constructor(
    message: string,
    readonly fileId: string,
  ) {
    super(message);
    this.name = 'CloudDownloadError';
  }
}

/** A file's URL (or a redirect it led to) is not on Zoom's hosts: nothing is fetched from it. */
export class RefusedDownloadError extends Error {
  constructor(
    message: string,
    readonly fileId: string,
  ) {
    super(message);
    this.name = 'RefusedDownloadError';
  }
}

type Attempt = { ok: true; bytes: number } | { ok: false; status: number; retryable: boolean; message: string; refused?: boolean };

/** The first file whose download_url may not be fetched, and why; checked before any download starts. */
export function refusedFile(object: RecordingObject, hosts: ZoomHosts): { fileId: string; reason: string } | undefined {
  for (const file of completedFiles(object)) {
    const reason = hosts.refusalOf(file.download_url);
    if (reason) return { fileId: file.id, reason: `file ${file.id}: ${reason}` };
  }
  return undefined;
}

/**
 * Streams every completed file of a recording to the session's artifacts, once per file id. The webhook's
 * download token is tried first; when Zoom refuses it (it expires 24 h after the recording, and a delayed
 * webhook can bring an expired one) the files are listed again through the API with a fresh token.
 */
export async function fetchRecording(deps: FetchDeps, input: FetchInput): Promise<FetchResult> {
  const { session } = input;
  const done = await deps.deliveries.fetchedFiles(session.id);
  const files = completedFiles(input.object);
  const refused = refusedFile(input.object, deps.hosts);
  if (refused) throw new RefusedDownloadError(refused.reason, refused.fileId);
  const result: FetchResult = { artifactIds: [], alreadyFetched: 0, usedApiFallback: false };
  let fallback: Promise<{ files: Map<string, RecordingFile>; token: string | undefined }> | undefined;
  for (const file of files) {
    if (done.has(file.id)) {
      result.alreadyFetched += 1;
      continue;
    }
    const path = join(deps.artifacts.dirFor(session.id), fileName(file));
    const get = (url: string, token: string | undefined) => withRetries(deps, () => download(deps, url, token, path));
    let attempt = await get(file.download_url, input.downloadToken);
    if (!attempt.ok && !attempt.refused && (attempt.status === 401 || attempt.status === 403) && input.api) {
      deps.log.info({ fileId: file.id, status: attempt.status }, 'the webhook download token was refused; asking the Zoom API for a fresh one');
      result.usedApiFallback = true;
      fallback ??= apiFiles(input.api, input.object);
      const fresh = await fallback;
      const again = fresh.files.get(file.id);
      attempt = again ? await get(again.download_url, fresh.token) : { ok: false, status: 404, retryable: false, message: 'the API does not list this file' };
    }
    deps.signal?.throwIfAborted();
    if (!attempt.ok && attempt.refused) throw new RefusedDownloadError(`file ${file.id}: ${attempt.message}`, file.id);
    if (!attempt.ok) throw new CloudDownloadError(`file ${file.id} (${file.file_type ?? 'unknown type'}): ${attempt.message}`, file.id);
    const artifact = await deps.artifacts.add({ sessionId: session.id, attempt: session.attempt, kind: kindOf(file), path });
    await deps.deliveries.fileFetched(session.id, file.id, artifact.id);
    result.artifactIds.push(artifact.id);
    deps.log.info({ fileId: file.id, type: file.file_type, bytes: attempt.bytes, participantAudio: file.participantAudio }, 'cloud recording file stored');
  }
  return result;
}

async function apiFiles(api: ZoomApi, object: RecordingObject): Promise<{ files: Map<string, RecordingFile>; token: string | undefined }> {
  // The UUID names this instance; the numeric id would return the meeting's latest instance instead.
  const { recording, downloadAccessToken } = await api.recordings(object.uuid);
  const files = new Map([...recording.recording_files, ...recording.participant_audio_files].map((file) => [file.id, file]));
  return { files, token: downloadAccessToken };
}

async function withRetries(deps: FetchDeps, run: () => Promise<Attempt>): Promise<Attempt> {
  let last: Attempt = { ok: false, status: 0, retryable: true, message: 'not tried' };
  for (let tries = 1; tries <= deps.attempts; tries += 1) {
    last = await run();
    if (last.ok || !last.retryable || deps.signal?.aborted) return last;
    if (tries < deps.attempts) await pause(deps.backoffMs * 2 ** (tries - 1), deps.signal);
  }
  return last;
}

/** A backoff that an operator's stop cuts short. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Redirects followed per download (Zoom sends one, to its file servers). */
const maxRedirects = 5;

/**
 * GET with redirects followed by hand: `redirect: 'follow'` would let a Zoom-looking URL bounce the request to
 * any host, so each hop is checked against the allowed hosts before it is requested.
 */
async function fetchChecked(deps: FetchDeps, first: URL, signal: AbortSignal): Promise<Response | Attempt> {
  let target = first;
  for (let hop = 0; hop <= maxRedirects; hop += 1) {
    const refusal = deps.hosts.refusal(target);
    if (refusal) return { ok: false, status: 0, retryable: false, refused: true, message: hop === 0 ? refusal : `redirected to ${refusal}` };
    const response = await fetch(target, { redirect: 'manual', signal });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || response.status === 304) return response;
    await response.body?.cancel();
    if (!location) return { ok: false, status: response.status, retryable: false, message: `HTTP ${response.status} without a Location` };
    target = new URL(location, target);
  }
  return { ok: false, status: 0, retryable: false, message: `more than ${maxRedirects} redirects` };
}

/** One download, streamed to a temporary file and renamed into place only when complete. */
async function download(deps: FetchDeps, url: string, token: string | undefined, path: string): Promise<Attempt> {
  const partial = `${path}.partial`;
  try {
    const target = new URL(url);
    if (token) target.searchParams.set('access_token', token);
    const timeout = AbortSignal.timeout(10 * 60_000);
    const signal = deps.signal ? AbortSignal.any([deps.signal, timeout]) : timeout;
    const response = await fetchChecked(deps, target, signal);
    if (!(response instanceof Response)) return response;
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return { ok: false, status: response.status, retryable: response.status >= 500 || response.status === 429, message: `HTTP ${response.status}` };
    }
    const out = createWriteStream(partial);
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), out, { signal });
    await rename(partial, path);
    return { ok: true, bytes: out.bytesWritten };
  } catch (error) {
    await rm(partial, { force: true });
    return { ok: false, status: 0, retryable: true, message: error instanceof Error ? error.message : String(error) };
  }
}

function kindOf(file: RecordingFile & { participantAudio: boolean }): ArtifactKind {
  const type = (file.file_type ?? '').toUpperCase();
  if (file.participantAudio || type === 'M4A') return 'audio';
  if (type === 'MP4') return 'video';
  if (type === 'TRANSCRIPT' || type === 'CC') return 'transcript';
  if (type === 'CHAT' || type === 'CHAT_MESSAGE') return 'chat';
  return 'other';
}

/** `zoom-<type>-<id>.<ext>`, limited to safe characters (ids and names come from outside). */
function fileName(file: RecordingFile & { participantAudio: boolean }): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 80);
  const type = file.participantAudio ? `participant-${safe(file.file_name ?? 'audio')}` : safe((file.recording_type ?? file.file_type ?? 'file').toLowerCase());
  const ext = safe((file.file_extension ?? file.file_type ?? 'bin').toLowerCase());
  return `zoom-${type}-${safe(file.id)}.${ext}`;
}
