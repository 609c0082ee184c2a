import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeDuration } from '../../providers/browser/test-support.js';
import type { Quorum } from '../../src/main.js';
import { startTestQuorum } from '../helpers/quorum.js';
import { recordSimulated, waitForEnd, waitForState } from '../helpers/sessions.js';

describe('a bot browser that crashes mid-meeting', () => {
  let quorum: Quorum;
  beforeAll(async () => {
    quorum = await startTestQuorum({ QUORUM_SIMULATE: true, QUORUM_BOTS_PER_BROWSER: 1, QUORUM_RETRY_BACKOFF_SECONDS: 1 });
  });
  afterAll(async () => {
    await quorum.close();
  });

  it('ends the attempt browser_crashed, keeps the partial recording, and the automatic retry records', async () => {
    const { session } = await recordSimulated(quorum, { access: 'open', participants: [{ name: 'Ada' }, { name: 'Grace' }], endAfterMs: 8000 });
    await waitForState(quorum, session.id, 'recording', 1);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const pids = quorum.pool.browserPids();
    expect(pids).toHaveLength(1);
    for (const pid of pids) process.kill(pid, 'SIGKILL');

    const ended = await waitForEnd(quorum, session.id, 90_000);
    expect(ended).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 2 });
    const attempts = await quorum.sessions.attempts(session.id);
    expect(attempts.map((a) => [a.number, a.reason, a.endCode])).toEqual([
      [1, 'first', 'browser_crashed'],
      [2, 'retry', 'meeting_ended'],
    ]);
    const audio = (await quorum.artifacts.list(session.id)).filter((a) => a.kind === 'audio');
    expect(audio.map((a) => a.attempt)).toEqual([1, 2]);
    // The crashed attempt's file is finalized from what reached the disk: a few seconds, playable.
    expect(await probeDuration(audio[0]?.path ?? '')).toBeGreaterThan(1.5);
    expect(await probeDuration(audio[1]?.path ?? '')).toBeGreaterThan(6);
  });
});
