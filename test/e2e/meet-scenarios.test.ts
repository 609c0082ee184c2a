import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanVolume, probeDuration } from '../../providers/browser/test-support.js';
import type { Quorum } from '../../src/main.js';
import { startTestQuorum } from '../helpers/quorum.js';
import type { MeetScript } from '../sim/index.js';
import { recordSimulated, waitForEnd } from '../helpers/sessions.js';

/**
 * Quorum end to end against the simulated Google Meet: real Chromium bots, real WebRTC audio, the
 * real scheduler and store. Scenarios run side by side in one Quorum, as they would in production.
 */
describe('Google Meet sessions end to end', () => {
  let quorum: Quorum;
  beforeAll(async () => {
    quorum = await startTestQuorum({
      QUORUM_SIMULATE: true,
      QUORUM_CONCURRENCY: 8,
      QUORUM_WAITING_ROOM_TIMEOUT_SECONDS: 5,
      QUORUM_ALONE_TIMEOUT_SECONDS: 2,
      QUORUM_STEP_TIMEOUT_SECONDS: 20,
    });
  });
  afterAll(async () => {
    await quorum.close();
  });

  it('records a meeting after a lobby wait: audio as long as the bot was in, and not silence', async () => {
    const { session, meetingId } = await recordSimulated(quorum, {
      lobby: { outcome: 'admit', afterMs: 2000 },
      participants: [{ name: 'Ada' }, { name: 'Grace' }],
      endAfterMs: 12_000,
    });
    const ended = await waitForEnd(quorum, session.id);
    expect(ended).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    const timeline = await quorum.sessions.timeline(session.id);
    expect(timeline.map((e) => e.to).filter(Boolean)).toEqual(['scheduled', 'dispatching', 'joining', 'waiting_room', 'recording', 'leaving', 'processing', 'done']);
    const [audio] = (await quorum.artifacts.list(session.id)).filter((a) => a.kind === 'audio');
    if (!audio) throw new Error('no recording');
    const bot = quorum.simulator?.getMeeting(meetingId)?.bot;
    const inMeetingSeconds = (Date.parse(bot?.leftAt ?? '') - Date.parse(bot?.admittedAt ?? '')) / 1000;
    expect(inMeetingSeconds).toBeGreaterThan(10);
    expect(Math.abs((await probeDuration(audio.path)) - inMeetingSeconds)).toBeLessThan(2);
    expect(await meanVolume(audio.path)).toBeGreaterThan(-40);
  });

  // Meet's lobby can render the call's controls, and Gemini's notes notice can hold back the call's media: the bot
  // must wait in the lobby until the host really admits it, then record what it hears.
  it.each([
    { name: 'a lobby that shows the call controls and People', script: { lobbyCallControls: true } },
    { name: "Gemini's notes notice on admission", script: { geminiNotes: true } },
  ])('waits through $name until admitted, then records', async ({ script }) => {
    const { session, meetingId } = await recordSimulated(quorum, {
      ...script,
      lobby: { outcome: 'admit', afterMs: 2500 },
      participants: [{ name: 'Ada' }],
      endAfterMs: 6_000,
    });
    expect(await waitForEnd(quorum, session.id)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    const timeline = await quorum.sessions.timeline(session.id);
    expect(timeline.map((e) => e.to).filter(Boolean)).toEqual(['scheduled', 'dispatching', 'joining', 'waiting_room', 'recording', 'leaving', 'processing', 'done']);
    const admittedAt = Date.parse(quorum.simulator?.getMeeting(meetingId)?.bot?.admittedAt ?? '');
    const recordingAt = Date.parse(timeline.find((e) => e.to === 'recording')?.at ?? '');
    expect(recordingAt).toBeGreaterThanOrEqual(admittedAt);
    // The call's media reached the bot (a notice left open would have held it back), and it was recorded.
    expect(quorum.simulator?.getMeeting(meetingId)?.events.map((e) => e.type)).toContain('audio_connected');
    const [audio] = (await quorum.artifacts.list(session.id)).filter((a) => a.kind === 'audio');
    if (!audio) throw new Error('no recording');
    expect(statSync(audio.path).size).toBeGreaterThan(0);
  });

  const failures = [
    { name: 'denied by the host', script: { lobby: { outcome: 'deny', afterMs: 1500 } }, state: 'failed', endCode: 'admission_denied' },
    { name: 'nobody answers', script: { lobby: { outcome: 'hold', afterMs: 0 } }, state: 'failed', endCode: 'waiting_room_timeout' },
    { name: "Meet's own no-response", script: { lobby: { outcome: 'no_response', afterMs: 1500 } }, state: 'failed', endCode: 'waiting_room_timeout' },
    { name: 'blocked by Google', script: { access: 'blocked' }, state: 'failed', endCode: 'blocked_by_platform' },
    { name: 'removed by the host', script: { access: 'open', participants: [{ name: 'Ada' }], removeBotAfterMs: 4000 }, state: 'failed', endCode: 'kicked' },
    { name: 'everyone else leaves', script: { access: 'open', participants: [{ name: 'Ada', leaveAfterMs: 3000 }] }, state: 'done', endCode: 'left_alone' },
  ] as const satisfies ReadonlyArray<{ name: string; script: object; state: string; endCode: string }>;

  it.each(failures)('$name → $endCode', async ({ script, state, endCode }) => {
    const { session } = await recordSimulated(quorum, structuredClone(script) as MeetScript);
    const ended = await waitForEnd(quorum, session.id);
    expect(ended).toMatchObject({ state, endCode, attempt: 1 });
    const artifacts = await quorum.artifacts.list(session.id);
    // Every join failure leaves its evidence: a screenshot and the page's HTML; a removal keeps them beside the audio.
    if (state === 'failed') expect(artifacts.map((a) => a.kind).sort()).toEqual(endCode === 'kicked' ? ['audio', 'html', 'screenshot'] : ['html', 'screenshot']);
  });

  it('a meeting code that does not exist → meeting_not_found', async () => {
    const { requestNow } = await import('../helpers/sessions.js');
    const session = await requestNow(quorum, 'https://meet.google.com/zzz-zzzz-zzz');
    expect(await waitForEnd(quorum, session.id)).toMatchObject({ state: 'failed', endCode: 'meeting_not_found' });
  });
});
