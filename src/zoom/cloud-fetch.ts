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

export interface FetchDeps {
  artifacts: ArtifactStore;
  deliveries: ZoomDeliveries;
  log: Logger;
  /** Tries per file for transient failures (network, 5xx). */
  attempts: number;
  backoffMs: number;
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

type Attempt = { ok: true; bytes: number } | { ok: false; status: number; retryable: boolean; message: string };

/**
 * Streams every completed file of a recording to the session's artifacts, once per file id. The webhook's
 * download token is tried first; when Zoom refuses it (it expires 24 h after the recording, and a delayed
 * webhook can bring an expired one) the files are listed again through the API with a fresh token.
 */
export async function fetchRecording(deps: FetchDeps, input: FetchInput): Promise<FetchResult> {
  const { session } = input;
  const done = await deps.deliveries.fetchedFiles(session.id);
  const files = completedFiles(input.object);
  const result: FetchResult = { artifactIds: [], alreadyFetched: 0, usedApiFallback: false };
  let fallback: Promise<{ files: Map<string, RecordingFile>; token: string | undefined }> | undefined;
  for (const file of files) {
    if (done.has(file.id)) {
      result.alreadyFetched += 1;
      continue;
    }
    const path = join(deps.artifacts.dirFor(session.id), fileName(file));
    let attempt = await withRetries(deps, () => download(file.download_url, input.downloadToken, path));
    if (!attempt.ok && (attempt.status === 401 || attempt.status === 403) && input.api) {
      deps.log.info({ fileId: file.id, status: attempt.status }, 'the webhook download token was refused; asking the Zoom API for a fresh one');
      result.usedApiFallback = true;
      fallback ??= apiFiles(input.api, input.object);
      const fresh = await fallback;
      const again = fresh.files.get(file.id);
      attempt = again ? await withRetries(deps, () => download(again.download_url, fresh.token, path)) : { ok: false, status: 404, retryable: false, message: 'the API does not list this file' };
    }
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
    if (last.ok || !last.retryable) return last;
    if (tries < deps.attempts) await new Promise((resolve) => setTimeout(resolve, deps.backoffMs * 2 ** (tries - 1)));
  }
  return last;
}

/** One download, streamed to a temporary file and renamed into place only when complete. */
async function download(url: string, token: string | undefined, path: string): Promise<Attempt> {
  const target = new URL(url);
  if (token) target.searchParams.set('access_token', token);
  const partial = `${path}.partial`;
  try {
    const response = await fetch(target, { redirect: 'follow', signal: AbortSignal.timeout(10 * 60_000) });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return { ok: false, status: response.status, retryable: response.status >= 500 || response.status === 429, message: `HTTP ${response.status}` };
    }
    const out = createWriteStream(partial);
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), out);
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
