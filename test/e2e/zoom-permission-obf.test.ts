import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import { simulatorOf, startTestQuorum } from '../helpers/quorum.js';
import type { ZoomScript } from '../sim/index.js';
import { createZoomCompany, runZoomBot, zoomBotSettings } from '../zoom/fixtures.js';

/**
 * Zoom local-recording edge cases end to end, against the simulated Meeting SDK: which recording-permission API
 * the SDK offers (the Web SDK's `mediaCapture*` calls, the client's `requestLocalRecordingPrivilege`, neither, or one
 * that fails), and an OBF join made before the token's authorizing user is in the meeting.
 */
describe('Zoom recording-permission API and OBF authorizer end to end', () => {
  let quorum: Quorum;

  beforeAll(async () => {
    quorum = await startTestQuorum({ ...zoomBotSettings, QUORUM_WAITING_ROOM_TIMEOUT_SECONDS: 12 });
    const sim = simulatorOf(quorum);
    // A long permission timeout: an SDK error misread as the host's silence would show as a wrong code, not a slow test.
    await createZoomCompany(quorum, 'zperm', { mode: 'local', permissionTimeoutSeconds: 20, hostAbsentWaitSeconds: 5 }, sim.zoomApi);
    await createZoomCompany(quorum, 'zobf', { mode: 'local', automaticRecordingPermission: true, authorizingUserId: 'authorizer@zobf.example', hostAbsentWaitSeconds: 5 }, sim.zoomApi);
  }, 60_000);
  afterAll(async () => {
    await quorum?.close();
  });

  const run = (companyId: string, script: ZoomScript) => runZoomBot(quorum, companyId, script);


  // Nobody speaks: what is under test is the way in, and each speaker is one more browser on a busy machine.
  const quiet = [{ name: 'Hana', speaks: false }];

  it.concurrent.each([
    { api: 'mediaCapture' as const, name: 'the Web SDK documented mediaCapturePermission' },
    { api: 'localRecordingPrivilege' as const, name: 'the fallback requestLocalRecordingPrivilege (no ZoomMtg)' },
  ])('asks the host through $name and records', async ({ api }) => {
    const { ended, states, events, audio } = await run('zperm', { participants: quiet, recordingApi: api, permission: { answer: 'granted', afterMs: 500 }, endAfterMs: 6_000 });
    expect(ended).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    expect(states).toEqual(expect.arrayContaining(['awaiting_permission', 'recording', 'done']));
    expect(events).toEqual(expect.arrayContaining(['permission_requested', 'permission_granted:host']));
    expect(audio).toBeDefined();
  });

  it.concurrent('reads a denial through the documented API', async () => {
    const { ended } = await run('zperm', { participants: quiet, recordingApi: 'mediaCapture', permission: { answer: 'denied', afterMs: 500 } });
    expect(ended).toMatchObject({ state: 'failed', endCode: 'recording_permission_denied', attempt: 1 });
  });

  const unavailable = [
    { name: 'the SDK offers no permission API', company: 'zperm', script: { participants: quiet, recordingApi: 'none' }, detail: 'requestLocalRecordingPrivilege: not offered' },
    { name: 'requestLocalRecordingPrivilege rejects', company: 'zperm', script: { participants: quiet, recordingApiError: "Cannot read properties of undefined (reading 'caps')" }, detail: "reading 'caps'" },
    { name: 'mediaCapturePermission fails, no fallback', company: 'zperm', script: { participants: quiet, recordingApi: 'mediaCapture', recordingApiError: 'Not supported.' }, detail: 'ZoomMtg.mediaCapturePermission: Not supported.' },
    { name: 'automatic permission, the join token brings none and asking fails', company: 'zobf', script: { participants: quiet, recordingApi: 'none' }, detail: 'not offered' },
  ] as const;

  it.concurrent.each(unavailable)('$name → recording_permission_unavailable, retried once', async ({ company, script, detail }) => {
    const { ended, message, events } = await run(company, structuredClone(script) as ZoomScript);
    expect(ended).toMatchObject({ state: 'failed', endCode: 'recording_permission_unavailable', attempt: 2 });
    expect(message).toContain('the meeting client could not ask the host for recording permission: ');
    expect(message).toContain(detail);
    expect(events).not.toContain('permission_granted:host');
  });

  it.concurrent('an OBF join waits for the authorizing user, then records', async () => {
    const { ended, states, audio } = await run('zobf', { outsideAccount: true, authorizerJoinsAfterMs: 4_000, participants: quiet, endAfterMs: 6_000 });
    expect(ended).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    expect(states).toEqual(expect.arrayContaining(['waiting_room', 'recording', 'done']));
    expect(audio).toBeDefined();
  });

  it.concurrent('an authorizing user who never joins ends meeting_not_started at the waiting-room timeout', async () => {
    const { ended, message } = await run('zobf', { outsideAccount: true, authorizerJoinsAfterMs: null, participants: quiet });
    expect(ended).toMatchObject({ state: 'failed', endCode: 'meeting_not_started', attempt: 1 });
    expect(message).toContain("the OBF token's authorizing user (authorizer@zobf.example) did not join the meeting in time");
  });
});
