import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** `video`, `transcript`, `chat` and `other` come from Zoom cloud recordings (src/zoom/cloud-fetch.ts). */
export type ArtifactKind = 'audio' | 'screenshot' | 'html' | 'video' | 'transcript' | 'chat' | 'other';

export interface Artifact {
  id: string;
  sessionId: string;
  attempt: number;
  kind: ArtifactKind;
  path: string;
  bytes: number;
  durationMs: number | null;
  createdAt: string;
}

/** Files a session produced (recordings, failure evidence), kept on the local disk under the data directory. */
export class ArtifactStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly root: string,
  ) {}

  /** The folder for one session's files, created on demand. */
  dirFor(sessionId: string): string {
    const dir = join(this.root, sessionId);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  async add(input: { sessionId: string; attempt: number; kind: ArtifactKind; path: string; durationMs?: number }): Promise<Artifact> {
    const artifact: Artifact = {
      id: randomUUID(),
      sessionId: input.sessionId,
      attempt: input.attempt,
      kind: input.kind,
      path: input.path,
      bytes: statSync(input.path).size,
      durationMs: input.durationMs ?? null,
      createdAt: new Date().toISOString(),
    };
    await this.db
      .insertInto('artifacts')
      .values({
        id: artifact.id,
        session_id: artifact.sessionId,
        attempt: artifact.attempt,
        kind: artifact.kind,
        path: artifact.path,
        bytes: artifact.bytes,
        duration_ms: artifact.durationMs,
        created_at: artifact.createdAt,
      })
      .execute();
    return artifact;
  }

  async list(sessionId: string): Promise<Artifact[]> {
    const rows = await this.db.selectFrom('artifacts').selectAll().where('session_id', '=', sessionId).orderBy('created_at').execute();
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.session_id,
      attempt: r.attempt,
      kind: r.kind as ArtifactKind,
      path: r.path,
      bytes: Number(r.bytes),
      durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
      createdAt: r.created_at,
    }));
  }

  /** Deletes a session's recordings (a participant declined consent): the files and their records. */
  async deleteRecordings(sessionId: string): Promise<number> {
    return (await this.deleteArtifacts(sessionId, { kinds: ['audio'] })).artifacts.length;
  }

  /**
   * Deletes a session's artifacts (all, or those of `kinds`, or created before `createdBefore`): each file first,
   * then its row, so a crash in between leaves a row whose file is gone (a later delete finishes it), never a
   * file nobody knows of. A file already missing is no error. Only the rows this call removed are reported, so
   * two deletes at once count each artifact once.
   */
  async deleteArtifacts(sessionId: string, filter: { kinds?: readonly ArtifactKind[]; createdBefore?: string } = {}): Promise<DeletedArtifacts> {
    const chosen = (await this.list(sessionId)).filter((a) => (!filter.kinds || filter.kinds.includes(a.kind)) && (!filter.createdBefore || a.createdAt < filter.createdBefore));
    if (chosen.length === 0) return { artifacts: [], bytes: 0, missing: 0 };
    const missing = new Set<string>();
    for (const artifact of chosen) {
      if (!existsSync(artifact.path)) missing.add(artifact.id);
      rmSync(artifact.path, { force: true });
    }
    const removed = new Set(
      (
        await this.db
          .deleteFrom('artifacts')
          .where('id', 'in', chosen.map((a) => a.id))
          .returning('id')
          .execute()
      ).map((row) => row.id),
    );
    const artifacts = chosen.filter((a) => removed.has(a.id)).map((a) => ({ ...a, missingOnDisk: missing.has(a.id) }));
    return { artifacts, bytes: artifacts.reduce((sum, a) => sum + a.bytes, 0), missing: artifacts.filter((a) => a.missingOnDisk).length };
  }
}

/** What `deleteArtifacts` removed: each artifact (whether its file was already gone) and the bytes it held. */
export interface DeletedArtifacts {
  artifacts: Array<Artifact & { missingOnDisk: boolean }>;
  bytes: number;
  missing: number;
}

/** The meeting's content (a bot's audio, Zoom cloud files) and a failed join's evidence, kept for separate periods. */
export const recordingKinds: readonly ArtifactKind[] = ['audio', 'video', 'transcript', 'chat', 'other'];
export const evidenceKinds: readonly ArtifactKind[] = ['screenshot', 'html'];
