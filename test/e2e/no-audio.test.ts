import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import { startTestQuorum } from '../helpers/quorum.js';
import { recordSimulated, waitForEnd } from '../helpers/sessions.js';

/**
 * A bot that hears nothing ("joined but deaf") must not pass for a recorded meeting: it ends `no_audio`, failed.
 * Both meetings run side by side; only the participants' microphones differ.
 */
describe('a bot that heard nothing', () => {
  let quorum: Quorum;
  beforeAll(async () => {
    // The default company names no bot: the installation's name is the bot's.
    quorum = await startTestQuorum({ QUORUM_SIMULATE: true, QUORUM_NO_AUDIO_SECONDS: 3, QUORUM_STEP_TIMEOUT_SECONDS: 20, QUORUM_BOT_NAME: 'Ops Recorder' });
  });
  afterAll(async () => {
    await quorum.close();
  });

  it('ends no_audio when nobody in the meeting made a sound, and with the meeting when someone spoke', async () => {
    const [silent, spoken] = await Promise.all([
      recordSimulated(quorum, { access: 'open', participants: [{ name: 'Ada', speaks: false }], endAfterMs: 9_000 }),
      recordSimulated(quorum, { access: 'open', participants: [{ name: 'Grace' }], endAfterMs: 9_000 }),
    ]);
    const [deaf, heard] = await Promise.all([waitForEnd(quorum, silent.session.id), waitForEnd(quorum, spoken.session.id)]);
    expect(deaf).toMatchObject({ state: 'failed', endCode: 'no_audio', attempt: 1 });
    expect(heard).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    expect(quorum.simulator?.getMeeting(spoken.meetingId)?.bot?.name).toBe('Ops Recorder');
    // What the bot has is kept: the file says what it heard.
    expect((await quorum.artifacts.list(silent.session.id)).map((a) => a.kind)).toContain('audio');
    const ending = (await quorum.sessions.timeline(silent.session.id)).find((event) => event.to === 'failed');
    expect(ending?.details).toMatchObject({ meetingEnd: 'meeting_ended' });
  });
});
