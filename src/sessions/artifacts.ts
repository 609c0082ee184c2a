import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
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
    const recordings = (await this.list(sessionId)).filter((a) => a.kind === 'audio');
    for (const artifact of recordings) rmSync(artifact.path, { force: true });
    await this.db.deleteFrom('artifacts').where('session_id', '=', sessionId).where('kind', '=', 'audio').execute();
    return recordings.length;
  }
}
