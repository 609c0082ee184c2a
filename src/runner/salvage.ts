import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { finalizeWebm } from '../../providers/browser/webm-finalize.js';
import type { Artifact, ArtifactStore } from '../sessions/artifacts.js';
import type { Session } from '../sessions/session.js';

export function recordingPath(dir: string, attempt: number): string {
  return join(dir, `attempt-${attempt}-audio.webm`);
}

/**
 * What a process that died mid-meeting had streamed to disk is still a recording: finalize it (duration,
 * cues; an incomplete last block is dropped) and keep it as the lost attempt's artifact.
 */
export async function salvageRecording(artifacts: ArtifactStore, session: Session): Promise<Artifact | undefined> {
  const file = recordingPath(artifacts.dirFor(session.id), session.attempt);
  if (!existsSync(file)) return undefined;
  const known = await artifacts.list(session.id);
  if (known.some((a) => a.path === file)) return undefined;
  try {
    const { durationMs } = await finalizeWebm(file);
    return await artifacts.add({ sessionId: session.id, attempt: session.attempt, kind: 'audio', path: file, durationMs });
  } catch {
    // Too little reached the disk to be a WebM file: nothing to keep.
    return undefined;
  }
}
