import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanVolume } from '../../providers/browser/test-support.js';
import type { Quorum } from '../../src/main.js';
import { recordingPath } from '../../src/runner/salvage.js';
import { simulatorOf, startTestQuorum } from '../helpers/quorum.js';
import { waitForEnd, waitForState } from '../helpers/sessions.js';
import type { ZoomScript } from '../sim/index.js';
import { createZoomCompany, requestRecording, zoomBotSettings } from '../zoom/fixtures.js';

/**
 * The host takes back the recording permission while Quorum's Zoom bot records, through the simulator's control
 * API (`revoke_permission`), against a real bot in real Chromium: the bot stops recording at once, leaves, and
 * the session ends `recording_permission_denied` with the recording made before the withdrawal kept.
 */
describe('Zoom: the host withdraws the recording permission mid-meeting', () => {
  let quorum: Quorum;

  beforeAll(async () => {
    quorum = await startTestQuorum({ ...zoomBotSettings, QUORUM_WAITING_ROOM_TIMEOUT_SECONDS: 25 });
    const sim = simulatorOf(quorum);
    await createZoomCompany(quorum, 'zwd', { mode: 'local', permissionTimeoutSeconds: 15, hostAbsentWaitSeconds: 5 }, sim.zoomApi);
    await createZoomCompany(quorum, 'zwdauto', { mode: 'local', automaticRecordingPermission: true }, sim.zoomApi);
  }, 60_000);
  afterAll(async () => {
    await quorum?.close();
  });

  const pollMs = 25;

  /** When `file` first exists, to within `pollMs`: the runner creates it just before it starts the recorder. */
  async function firstSeen(file: string): Promise<number> {
    const deadline = Date.now() + 60_000;
    while (!existsSync(file)) {
      if (Date.now() > deadline) throw new Error(`${file} never appeared`);
      await delay(pollMs);
    }
    return Date.now();
  }

  /** Lets the bot record `recordMs`, then has the host revoke (and, when asked, grant again) over the control API. */
  async function withdrawWhileRecording(companyId: string, script: ZoomScript, options: { recordMs: number; regrantAfterMs?: number }) {
    const sim = simulatorOf(quorum);
    const meeting = await sim.createMeeting('zoom', script);
    const { session } = await requestRecording(quorum, companyId, meeting.joinUrl, 10);
    // The recorder cannot have started before this: a bound on how much audio it may hold.
    const startedAfter = (await firstSeen(recordingPath(quorum.artifacts.dirFor(session.id), 1))) - pollMs;
    await waitForState(quorum, session.id, 'recording', 1, 60_000);
    await delay(options.recordMs);
    const act = (type: string) => fetch(`${sim.controlUrl}/sim/v1/meetings/${meeting.id}/actions`, { method: 'POST', body: JSON.stringify({ type }) });
    const revoked = await act('revoke_permission');
    // The simulator has told the bot page by the time it answers.
    const revokedBy = Date.now();
    expect(revoked.status).toBe(200);
    if (options.regrantAfterMs !== undefined) {
      await delay(options.regrantAfterMs);
      expect((await act('grant_permission')).status).toBe(200);
    }
    const ended = await waitForEnd(quorum, session.id, 60_000, 1_000);
    const timeline = await quorum.sessions.timeline(session.id);
    const report = sim.getMeeting(meeting.id);
    const events = (report?.events ?? []).map((e) => `${e.type}${e.name ? `:${e.name}` : ''}`);
    const leftAt = Date.parse(report?.bot?.leftAt ?? '');
    const [audio] = (await quorum.artifacts.list(session.id)).filter((a) => a.kind === 'audio');
    return { ended, timeline, events, audio, revokedBy, startedAfter, leftAt };
  }

  const speaker = [{ name: 'Hana' }];

  it.concurrent.each([
    { name: 'asked the host (the Web SDK documented API)', company: 'zwd', script: { participants: speaker, recordingApi: 'mediaCapture', permission: { answer: 'granted', afterMs: 500 }, endAfterMs: 60_000 } },
    { name: 'join token (the fallback event), granted again 300 ms later', company: 'zwdauto', script: { participants: speaker, recordingApi: 'localRecordingPrivilege', endAfterMs: 60_000 }, regrantAfterMs: 300 },
  ] as const)('$name: stops at once, leaves, keeps the recording, ends recording_permission_denied', async ({ company, script, regrantAfterMs }) => {
    const run = await withdrawWhileRecording(company, structuredClone(script) as ZoomScript, { recordMs: 5_000, ...(regrantAfterMs === undefined ? {} : { regrantAfterMs }) });
    const { ended, timeline, events, audio, revokedBy, startedAfter, leftAt } = run;
    // Not retried: the host's no is the meeting's answer.
    expect(ended).toMatchObject({ state: 'failed', endCode: 'recording_permission_denied', attempt: 1 });
    const leaving = timeline.find((e) => e.to === 'leaving');
    expect(leaving).toMatchObject({ code: 'recording_permission_denied', details: { reason: expect.stringContaining('the host withdrew the permission to record at ') } });
    // The bot went by itself, well before the meeting's scripted end, and the recording made before is the session's.
    expect(events).toEqual(expect.arrayContaining(['permission_revoked:host', 'bot_left:Quorum Notes']));
    expect(events).not.toContain('ended');
    expect(leftAt - revokedBy).toBeLessThan(15_000);
    if (!audio) throw new Error('the recording made before the withdrawal was not kept');
    expect(timeline.at(-1)).toMatchObject({ to: 'failed', details: { artifactId: audio.id, meetingEnd: 'recording_permission_denied' } });
    expect(audio.durationMs).toBeGreaterThan(3_000);
    expect(await meanVolume(audio.path)).toBeGreaterThan(-40);
    // Nothing after the withdrawal: the bot takes a second or more to notice and leave, and none of it is in the
    // file. The margin is for the page receiving the host's change on a busy machine; without the stop in the page
    // the file runs more than a second past this bound.
    expect(audio.durationMs ?? Infinity).toBeLessThanOrEqual(revokedBy - startedAfter + 600);
  });
});
