import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SimError, type ZoomScript } from '../../test/sim/index.js';
import { simulatorBrowser } from '../browser/sim-fixture.js';
import type { PresenceEnd } from '../types.js';
import { joinSimulatedZoom } from './sim-join.js';

/**
 * The host taking back the recording permission, at the adapter's level with the runner's part played here:
 * the test decides when the bot leaves, so it can stay in the meeting after the withdrawal (the participant still
 * speaking) and show that nothing more reaches the file, however long the bot takes to go.
 */
describe('Zoom: the host withdraws the recording permission', () => {
  const fixture = simulatorBrowser();
  const dir = mkdtempSync(join(tmpdir(), 'quorum-zoom-withdrawal-'));

  const joinMeeting = (script: ZoomScript) => joinSimulatedZoom(fixture, script);

  const events = (meetingId: string) => (fixture.sim().getMeeting(meetingId)?.events ?? []).map((e) => `${e.type}${e.name ? `:${e.name}` : ''}`);

  it.each([
    { api: 'mediaCapture' as const, regrant: false, name: "the Web SDK's onMediaCapturePermissionChange {allow: false}" },
    { api: 'localRecordingPrivilege' as const, regrant: true, name: 'the fallback local-recording-privilege-change, granted again at once' },
  ])('$name: the file ends at the withdrawal, the audio before is kept, the presence ends recording_permission_denied', async ({ api, regrant }) => {
    const { meetingId, inMeeting, record } = await joinMeeting({ participants: [{ name: 'Hana' }], recordingApi: api, permission: { answer: 'granted', afterMs: 300 } });
    const startedAfter = Date.now();
    const recording = await record(join(dir, `${api}.webm`));
    await delay(4_000);
    fixture.sim().act(meetingId, { type: 'revoke_permission' });
    const revokedBy = Date.now();
    if (regrant) {
      await delay(300);
      fixture.sim().act(meetingId, { type: 'grant_permission' });
    }
    const end: PresenceEnd = await inMeeting.ended;
    expect(end).toMatchObject({ endCode: 'recording_permission_denied', reason: expect.stringContaining('the host withdrew the permission to record at ') });
    // Still in the meeting, Hana still speaking: the last chunk (recorded before the withdrawal) lands, then nothing.
    await delay(1_000);
    const settled = recording.bytes();
    await delay(3_000);
    expect(recording.bytes()).toBe(settled);
    const result = await recording.stop();
    await inMeeting.leave();
    expect(result.durationMs).toBeGreaterThan(3_000);
    expect(result.durationMs).toBeLessThanOrEqual(revokedBy - startedAfter + 500);
    // What was recorded before holds Hana's speech (the file is kept as it was).
    expect(recording.firstSoundAt()).toBeLessThan(revokedBy);
    expect(events(meetingId)).toEqual(expect.arrayContaining(['permission_granted:host', 'permission_revoked:host']));
    if (regrant) expect(events(meetingId).filter((e) => e === 'permission_granted:host')).toHaveLength(2);
  });

  it('a recording started after the withdrawal stays empty', async () => {
    const { meetingId, inMeeting, record } = await joinMeeting({ participants: [{ name: 'Hana' }], recordingApi: 'mediaCapture', permission: { answer: 'granted', afterMs: 300 } });
    fixture.sim().act(meetingId, { type: 'revoke_permission' });
    expect(await inMeeting.ended).toMatchObject({ endCode: 'recording_permission_denied' });
    const recording = await record(join(dir, 'late.webm'));
    await delay(2_500);
    expect(recording.bytes()).toBe(0);
    expect((await recording.stop()).durationMs).toBe(0);
    await inMeeting.leave();
  });

  it('the control refuses a meeting without the bot in it, and a provider without recording permission', async () => {
    const zoom = await fixture.sim().createMeeting('zoom', {});
    expect(() => fixture.sim().act(zoom.id, { type: 'revoke_permission' })).toThrow(SimError);
    const meet = await fixture.sim().createMeeting('meet', {});
    expect(() => fixture.sim().act(meet.id, { type: 'grant_permission' })).toThrow(/no recording permission/);
  });
});
