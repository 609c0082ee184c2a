import type { Logger } from 'pino';
import type { ArtifactKind, ArtifactStore } from '../sessions/artifacts.js';
import type { SessionStore } from '../sessions/session-store.js';
import { isEnded } from '../sessions/states.js';

/** What deleting a session's recordings needs: its state, its artifacts and its timeline. */
export interface DeletionDeps {
  sessions: Pick<SessionStore, 'get' | 'note'>;
  artifacts: Pick<ArtifactStore, 'deleteArtifacts'>;
  log: Logger;
}

export interface DeletionRequest {
  /** Written to the timeline: the operator's words, or `retention`. */
  reason: string;
  /** Who asked: `admin`, a company token's name, or `retention`. */
  by: string;
  /** Only these kinds (the retention sweep's recording or evidence period); unset: every artifact. */
  kinds?: readonly ArtifactKind[];
  /** Only artifacts created before this ISO time (the retention sweep's cutoff). */
  createdBefore?: string;
  /** More details for the timeline event (the retention period that applied). */
  details?: Record<string, unknown>;
  /** Log at debug (a sweep logs its own summary instead of a line per session). */
  quiet?: boolean;
}

export interface DeletionResult {
  sessionId: string;
  artifacts: number;
  bytes: number;
  /** Artifacts whose file was already gone from disk (their records were removed all the same). */
  missing: number;
  deleted: Array<{ id: string; kind: ArtifactKind; attempt: number; bytes: number; missingOnDisk: boolean }>;
}

/** The session is not ended: a bot (or a cloud fetch) may still be writing its files. */
export class SessionActiveError extends Error {
  constructor(
    readonly sessionId: string,
    readonly state: string,
  ) {
    super(`session ${sessionId} is ${state}: a bot may still be writing its recordings; stop it first`);
    this.name = 'SessionActiveError';
  }
}

export class SessionNotFoundError extends Error {
  constructor(readonly sessionId: string) {
    super(`session ${sessionId} not found`);
    this.name = 'SessionNotFoundError';
  }
}

/**
 * Deletes an ended session's artifacts (files and records) and writes `recordings_deleted` to its timeline. A
 * repeated request finds nothing and writes nothing: deleting is idempotent. Used by the API (a participant's
 * erasure request, a recording made by mistake) and by the retention sweep.
 */
export async function deleteSessionArtifacts(deps: DeletionDeps, sessionId: string, request: DeletionRequest): Promise<DeletionResult> {
  const session = await deps.sessions.get(sessionId);
  if (!session) throw new SessionNotFoundError(sessionId);
  if (!isEnded(session.state)) throw new SessionActiveError(sessionId, session.state);
  const filter = { ...(request.kinds ? { kinds: request.kinds } : {}), ...(request.createdBefore ? { createdBefore: request.createdBefore } : {}) };
  const removed = await deps.artifacts.deleteArtifacts(sessionId, filter);
  const result: DeletionResult = {
    sessionId,
    artifacts: removed.artifacts.length,
    bytes: removed.bytes,
    missing: removed.missing,
    deleted: removed.artifacts.map((a) => ({ id: a.id, kind: a.kind, attempt: a.attempt, bytes: a.bytes, missingOnDisk: a.missingOnDisk })),
  };
  if (result.artifacts === 0) return result;
  const kinds = [...new Set(result.deleted.map((a) => a.kind))];
  // `missing`: files that were already gone from disk, so the event says what was really removed.
  await deps.sessions.note(sessionId, 'recordings_deleted', { reason: request.reason, by: request.by, artifacts: result.artifacts, bytes: result.bytes, missing: result.missing, kinds, ...request.details });
  deps.log[request.quiet ? 'debug' : 'info']({ sessionId, companyId: session.companyId, by: request.by, artifacts: result.artifacts, bytes: result.bytes, missing: result.missing }, 'deleted recordings');
  return result;
}
