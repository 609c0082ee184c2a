import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanVolume, probeDuration } from '../../providers/browser/test-support.js';
import { sdkVersion } from '../../providers/zoom/selectors.js';
import type { Quorum } from '../../src/main.js';
import { simulatorOf, startTestQuorum } from '../helpers/quorum.js';
import type { ZoomScript } from '../sim/index.js';
import { createZoomCompany, runZoomBot, zoomBotSettings } from '../zoom/fixtures.js';

/**
 * Zoom's local-recording bot end to end: real Chromium joins through Quorum's Meeting SDK page against the
 * simulated SDK, asks the host for recording permission (or brings a local-recording join token) and records
 * the participants' real WebRTC audio. Scenarios run side by side in one Quorum.
 */
describe('Zoom local-recording bot end to end', () => {
  let quorum: Quorum;

  beforeAll(async () => {
    quorum = await startTestQuorum({ ...zoomBotSettings, QUORUM_WAITING_ROOM_TIMEOUT_SECONDS: 25 });
    const sim = simulatorOf(quorum);
    await createZoomCompany(quorum, 'zask', { mode: 'local', permissionTimeoutSeconds: 8, hostAbsentWaitSeconds: 2 }, sim.zoomApi);
    await createZoomCompany(quorum, 'zauto', { mode: 'local', automaticRecordingPermission: true, authorizingUserId: 'authorizer@zauto.example', sdkVersion: '6.9.1' }, sim.zoomApi);
  }, 60_000);
  afterAll(async () => {
    await quorum?.close();
  });

  const run = (companyId: string, script: ZoomScript, passcode?: Parameters<typeof runZoomBot>[3]) => runZoomBot(quorum, companyId, script, passcode);


  const speakers = [{ name: 'Hana' }, { name: 'Ada' }];

  it.concurrent('granted: asks the host, records non-silent audio', async () => {
    const { ended, states, events, audio, decision } = await run('zask', { participants: speakers, permission: { answer: 'granted', afterMs: 1_000 }, endAfterMs: 20_000 });
    expect(decision).toMatchObject({ plan: 'bot' });
    expect(ended).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    expect(states).toEqual(expect.arrayContaining(['joining', 'awaiting_permission', 'recording', 'done']));
    expect(events).toEqual(expect.arrayContaining(['permission_requested', 'permission_granted:host']));
    expect(quorum.simulator?.zoomApi.sdkLoads).toContain(sdkVersion);
    if (!audio) throw new Error('no recording');
    expect(await probeDuration(audio.path)).toBeGreaterThan(4);
    expect(await meanVolume(audio.path), `meeting events: ${events.join(', ')}`).toBeGreaterThan(-40);
  });

  it.concurrent('automatic: OBF and local-recording join token, records without asking', async () => {
    const { ended, events, audio } = await run('zauto', { outsideAccount: true, participants: speakers, endAfterMs: 20_000 });
    expect(ended).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    expect(events).toContain('permission_granted:join token');
    expect(events).not.toContain('permission_requested');
    const calls = quorum.simulator?.zoomApi.calls ?? [];
    expect(calls.some((c) => /^GET \/v2\/users\/authorizer(@|%40)zauto\.example\/token$/.test(c))).toBe(true);
    expect(calls.some((c) => /^GET \/v2\/meetings\/\d+\/jointoken\/local_recording$/.test(c))).toBe(true);
    // The company's providers.zoom.sdkVersion is the build its bots load.
    expect(quorum.simulator?.zoomApi.sdkLoads).toContain('6.9.1');
    if (!audio) throw new Error('no recording');
    expect(await probeDuration(audio.path)).toBeGreaterThan(4);
    expect(await meanVolume(audio.path), `meeting events: ${events.join(', ')}`).toBeGreaterThan(-40);
  });

  it.concurrent('waiting room, then admitted and granted', async () => {
    const { ended, states, audio } = await run('zask', { waitingRoom: { outcome: 'admit', afterMs: 2_000 }, participants: [{ name: 'Hana' }], permission: { answer: 'granted', afterMs: 500 }, endAfterMs: 15_000 });
    expect(ended).toMatchObject({ state: 'done', endCode: 'meeting_ended' });
    expect(states).toEqual(expect.arrayContaining(['waiting_room', 'awaiting_permission', 'recording']));
    expect(audio).toBeDefined();
  });

  const quiet = [{ name: 'Hana', speaks: false }];
  const endings = [
    { name: 'host denies', company: 'zask', script: { participants: quiet, permission: { answer: 'denied', afterMs: 1_000 } }, endCode: 'recording_permission_denied', attempt: 1 },
    { name: 'host never answers', company: 'zask', script: { participants: quiet, permission: { answer: 'none', afterMs: 0 } }, endCode: 'recording_permission_timeout', attempt: 1 },
    { name: 'host absent', company: 'zask', script: { participants: quiet, host: 'Boss' }, endCode: 'host_absent', attempt: 1 },
    { name: 'bot wall', company: 'zask', script: { gate: 'bot_wall' }, endCode: 'blocked_by_bot_wall', attempt: 1 },
    { name: 'CAPTCHA (no authenticated bot for Zoom: the retry ends at once)', company: 'zask', script: { gate: 'captcha' }, endCode: 'blocked_by_captcha', attempt: 2 },
    { name: 'wrong passcode', company: 'zask', script: { passcodeChanged: true }, endCode: 'password_incorrect', attempt: 1 },
    { name: 'removed by the host', company: 'zask', script: { participants: quiet, permission: { answer: 'granted', afterMs: 300 }, removeBotAfterMs: 5_000 }, endCode: 'kicked', attempt: 1 },
    { name: 'outside the account without an OBF token', company: 'zask', script: { outsideAccount: true }, endCode: 'blocked_by_platform', attempt: 1 },
    { name: 'everyone else leaves', company: 'zask', script: { participants: [{ name: 'Hana', speaks: false, leaveAfterMs: 4_000 }], permission: { answer: 'granted', afterMs: 300 } }, endCode: 'left_alone', attempt: 1 },
  ] as const;

  it.concurrent.each(endings)('$name → $endCode', async ({ company, script, endCode, attempt }) => {
    const { ended } = await run(company, structuredClone(script) as ZoomScript);
    expect(ended).toMatchObject({ state: endCode === 'left_alone' ? 'done' : 'failed', endCode, attempt });
  });

  it.concurrent('a link without its pwd joins with the passcode the request states; with none, password_incorrect', async () => {
    const script = { participants: quiet, permission: { answer: 'granted', afterMs: 300 }, endAfterMs: 3_000 } as const;
    const [stated, nowhere] = await Promise.all([run('zask', structuredClone(script) as ZoomScript, 'stated apart'), run('zask', structuredClone(script) as ZoomScript, 'nowhere')]);
    expect(stated.ended).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    expect(nowhere.ended).toMatchObject({ state: 'failed', endCode: 'password_incorrect', attempt: 1 });
  });

  it.concurrent('a meeting that starts late is joined once the host starts it', async () => {
    const { ended, states } = await run('zask', { startAfterMs: 4_000, participants: quiet, permission: { answer: 'granted', afterMs: 300 }, endAfterMs: 3_000 });
    expect(ended).toMatchObject({ state: 'done', endCode: 'meeting_ended' });
    expect(states).toContain('waiting_room');
  });
});
