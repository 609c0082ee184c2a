import { symlink } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import { recordingPath } from '../../src/runner/salvage.js';
import { startTestQuorum } from '../helpers/quorum.js';
import { requestNow } from '../helpers/sessions.js';
import type { Attempt } from '../../src/sessions/session.js';

async function waitForAttemptEnd(quorum: Quorum, id: string, timeoutMs = 90_000): Promise<Attempt> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [first] = await quorum.sessions.attempts(id);
    if (first?.endCode) return first;
    if (Date.now() > deadline) throw new Error(`attempt 1 of ${id} did not end in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A disk that refuses the recording (the file is /dev/full, where every write fails with ENOSPC as on a full
 * disk): the bot leaves at once and the attempt ends `storage_full`, not `done`, with real Chromium and WebRTC.
 */
describe('a recording the disk cannot take', () => {
  let quorum: Quorum;
  beforeAll(async () => {
    quorum = await startTestQuorum({
      QUORUM_SIMULATE: true,
      QUORUM_CONCURRENCY: 2,
      QUORUM_WAITING_ROOM_TIMEOUT_SECONDS: 30,
      QUORUM_STEP_TIMEOUT_SECONDS: 20,
      // Past the meeting's end: the one retry storage_full allows is not tried during the test.
      QUORUM_RETRY_BACKOFF_SECONDS: 7200,
    });
  });
  afterAll(async () => {
    await quorum.close();
  });

  it('makes the bot leave and ends the attempt storage_full instead of done', async () => {
    const sim = quorum.simulator;
    if (!sim) throw new Error('no simulator');
    // The lobby holds the bot long enough for the file to be put in place before the recorder opens it.
    const meeting = await sim.createMeeting('meet', { lobby: { outcome: 'admit', afterMs: 3000 }, participants: [{ name: 'Ada' }], endAfterMs: 90_000 });
    const session = await requestNow(quorum, meeting.joinUrl);
    await symlink('/dev/full', recordingPath(quorum.artifacts.dirFor(session.id), 1));

    // Polls the attempt, not the session: the retry policy's one retry may follow at once (scheduled, far out).
    const first = await waitForAttemptEnd(quorum, session.id);
    expect(first).toMatchObject({ number: 1, endCode: 'storage_full' });
    const bot = sim.getMeeting(meeting.id)?.bot;
    expect(bot?.leftAt).toBeTruthy();
    const timeline = (await quorum.sessions.timeline(session.id)).filter((e) => e.attempt === 1);
    expect(timeline.map((e) => e.to).filter(Boolean)).toEqual(['scheduled', 'dispatching', 'joining', 'waiting_room', 'recording', 'leaving', 'processing', 'failed']);
    expect(timeline.find((e) => e.to === 'leaving')?.code).toBe('storage_full');
    expect(timeline.at(-1)?.details).toMatchObject({ endCode: 'storage_full', writeError: expect.stringMatching(/ENOSPC/) as unknown });
    // Nothing reached the disk, so there is no recording to keep.
    expect((await quorum.artifacts.list(session.id)).filter((a) => a.kind === 'audio')).toEqual([]);
    // Never done: failed, or its one retry waits out the (two-hour) backoff.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(['failed', 'scheduled']).toContain((await quorum.sessions.get(session.id))?.state);
    const [, ...later] = await quorum.sessions.attempts(session.id);
    expect(later.map((a) => a.endCode)).toEqual(later.map(() => null));
  });
});
