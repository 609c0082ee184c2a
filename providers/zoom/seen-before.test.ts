import { describe, expect, it } from 'vitest';
import { simulatorBrowser } from '../browser/sim-fixture.js';
import { joinSimulatedZoom } from './sim-join.js';

/**
 * Who the bot saw while it waited for the host's permission to record: the runner's auto-leave rules count them as
 * having joined (src/runner/watch.ts `seenBefore`), so a meeting they all left during the wait is the alone rule's,
 * not the nobody-joined rule's.
 */
describe('Zoom: people seen before the bot could record', () => {
  const fixture = simulatorBrowser();

  it('names whoever was there while the host was asked, including those gone by the grant', async () => {
    const { meetingId, inMeeting } = await joinSimulatedZoom(fixture, {
      participants: [{ name: 'Ada', speaks: false }, { name: 'Grace', speaks: false, leaveAfterMs: 3_000 }],
      permission: { answer: 'granted', afterMs: 6_000 },
    });
    const events = (fixture.sim().getMeeting(meetingId)?.events ?? []).map((e) => `${e.type}${e.name ? `:${e.name}` : ''}`);
    // Grace left before the grant, so the meeting the bot records in no longer shows her.
    expect(events.indexOf('participant_left:Grace')).toBeLessThan(events.indexOf('permission_granted:host'));
    expect(await inMeeting.participantNames?.()).toEqual(['Ada']);
    expect(inMeeting.seenBeforeRecording).toEqual(['Ada', 'Grace']);
    await inMeeting.leave();
  });
});
