import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanVolume } from '../../providers/browser/test-support.js';
import type { Quorum } from '../../src/main.js';
import type { TimelineEvent } from '../../src/sessions/session.js';
import { startTestQuorum } from '../helpers/quorum.js';
import { recordSimulated, waitForEnd, waitForState } from '../helpers/sessions.js';

const deafSeconds = 6;

/**
 * "Joined but deaf" (peer-bots.md §4 item 7): a bot that others are with but whose page gets no audio at all leaves
 * while the meeting runs and rejoins at once, once per session; a quiet meeting, whose participants' audio arrives as
 * silence, is not taken for it. The three meetings run side by side; each admission of the bot runs its own 15 s.
 */
describe('a bot that joined but hears nothing', () => {
  let quorum: Quorum;
  beforeAll(async () => {
    // A backoff far longer than the test waits: the rejoin has to come at once, not as an ordinary retry.
    quorum = await startTestQuorum({
      QUORUM_SIMULATE: true,
      QUORUM_DEAF_REJOIN_SECONDS: deafSeconds,
      QUORUM_NO_AUDIO_SECONDS: 3,
      QUORUM_STEP_TIMEOUT_SECONDS: 20,
      QUORUM_RETRY_BACKOFF_SECONDS: 60,
    });
  });
  afterAll(async () => {
    await quorum.close();
  });

  const eventsOf = async (id: string, code: string): Promise<TimelineEvent[]> => (await quorum.sessions.timeline(id)).filter((e) => e.code === code);

  it('leaves when deaf, rejoins at once and records; stays in a quiet meeting; rejoins only once', async () => {
    const [deaf, quiet, deafAlways] = await Promise.all([
      recordSimulated(quorum, { access: 'open', deafFirstJoin: true, participants: [{ name: 'Ada' }], endAfterMs: 15_000 }),
      recordSimulated(quorum, { access: 'open', participants: [{ name: 'Grace', speaks: false, openMic: true }], endAfterMs: 15_000 }),
      // A participant whose audio is never connected at all: every admission of the bot is deaf.
      recordSimulated(quorum, { access: 'open', participants: [{ name: 'Lin', speaks: false }], endAfterMs: 15_000 }),
    ]);
    // The retry comes after the deaf attempt's page is closed: wait for the second attempt before the end.
    await Promise.all([waitForState(quorum, deaf.session.id, 'recording', 2, 90_000), waitForState(quorum, deafAlways.session.id, 'recording', 2, 90_000)]);
    const [rejoined, stayed, deafTwice] = await Promise.all([
      waitForEnd(quorum, deaf.session.id),
      waitForEnd(quorum, quiet.session.id),
      waitForEnd(quorum, deafAlways.session.id),
    ]);

    // The deaf attempt ended no_audio, saying why, and the second attempt heard the meeting to its end.
    expect(rejoined).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 2 });
    expect((await quorum.sessions.attempts(deaf.session.id)).map((a) => a.endCode)).toEqual(['no_audio', 'meeting_ended']);
    const [noted] = await eventsOf(deaf.session.id, 'joined_deaf');
    expect(noted).toMatchObject({ attempt: 1, details: { participants: 1, tracks: 0, unmuted: 0, rejoin: true } });
    expect(noted?.details?.['forSeconds']).toBeGreaterThanOrEqual(deafSeconds);
    const timeline = await quorum.sessions.timeline(deaf.session.id);
    const firstEnd = timeline.find((e) => e.attempt === 1 && e.to === 'failed');
    expect(firstEnd?.details).toMatchObject({ endCode: 'no_audio', rejoin: 'deaf' });
    expect(String(firstEnd?.details?.['reason'])).toMatch(/^joined but deaf: .*1 other participant was present.*leaving to rejoin$/);
    // At once: the next attempt was planned for the moment the deaf one ended, not after the backoff.
    const retry = timeline.find((e) => e.attempt === 2 && e.to === 'scheduled');
    expect(retry?.code).toBe('automatic_retry');
    const started = timeline.find((e) => e.attempt === 2 && e.to === 'dispatching');
    expect(Date.parse(started?.at ?? '') - Date.parse(firstEnd?.at ?? '')).toBeLessThan(20_000);
    // Both recordings are kept: the deaf one holds silence, the second one the meeting.
    const audio = (await quorum.artifacts.list(deaf.session.id)).filter((a) => a.kind === 'audio');
    expect(audio.map((a) => a.attempt).sort()).toEqual([1, 2]);
    const heard = audio.find((a) => a.attempt === 2);
    expect(await meanVolume(heard?.path ?? '')).toBeGreaterThan(-45);
    const simEvents = quorum.simulator?.getMeeting(deaf.meetingId)?.events.map((e) => e.type) ?? [];
    expect(simEvents.filter((type) => type === 'admitted')).toHaveLength(2);
    expect(simEvents.indexOf('audio_withheld')).toBeLessThan(simEvents.indexOf('audio_connected'));

    // Silent participants whose audio arrives: a quiet meeting, no rejoin; labelled at the end as before.
    expect(stayed).toMatchObject({ state: 'failed', endCode: 'no_audio', attempt: 1 });
    expect(await eventsOf(quiet.session.id, 'joined_deaf')).toEqual([]);
    expect(quorum.simulator?.getMeeting(quiet.meetingId)?.events.some((e) => e.type === 'audio_connected' && e.name === 'Grace')).toBe(true);

    // Deaf again after the rejoin: the bot stays to the end, is labelled no_audio then, and nothing follows.
    expect(deafTwice).toMatchObject({ state: 'failed', endCode: 'no_audio', attempt: 2 });
    expect((await eventsOf(deafAlways.session.id, 'joined_deaf')).map((e) => [e.attempt, e.details?.['rejoin']])).toEqual([
      [1, true],
      [2, false],
    ]);
    const lastEnd = (await quorum.sessions.timeline(deafAlways.session.id)).find((e) => e.attempt === 2 && e.to === 'failed');
    expect(lastEnd?.details).toMatchObject({ meetingEnd: 'meeting_ended' });
    expect(lastEnd?.details?.['rejoin']).toBeUndefined();
  });
});
