import { pino } from 'pino';
import type { ZoomScript } from '../../test/sim/index.js';
import { simSdkApp } from '../../test/sim/zoom/provider.js';
import { prepareAudioCapture, startRecording, type ActiveRecording } from '../browser/audio-capture.js';
import type { simulatorBrowser } from '../browser/sim-fixture.js';
import type { InMeeting } from '../types.js';
import { zoomAdapter } from './index.js';

const log = pino({ level: 'silent' });

/**
 * Test support: joins a new simulated Zoom meeting through the real adapter, in a context prepared for capture as
 * the runner does, with the runner's part left to the test (when to record, when to leave).
 */
export async function joinSimulatedZoom(
  fixture: ReturnType<typeof simulatorBrowser>,
  script: ZoomScript,
): Promise<{ meetingId: string; inMeeting: InMeeting; record: (file: string) => Promise<ActiveRecording> }> {
  const meeting = await fixture.sim().createMeeting('zoom', script);
  const context = await fixture.newContext();
  await prepareAudioCapture(context);
  const page = await context.newPage();
  const ref = zoomAdapter.matchUrl(new URL(meeting.joinUrl));
  if (!ref) throw new Error(`not a Zoom link: ${meeting.joinUrl}`);
  const inMeeting = await zoomAdapter.join({
    page,
    ref,
    botName: 'Quorum Notes',
    log,
    signal: new AbortController().signal,
    waitingRoomTimeoutMs: 20_000,
    stepTimeoutMs: 20_000,
    phase: () => undefined,
    saveEvidence: async () => undefined,
    providerSettings: { enabled: true, mode: 'local', sdkKey: simSdkApp.key, sdkSecret: simSdkApp.secret, permissionTimeoutSeconds: 15, hostAbsentWaitSeconds: 5 },
  });
  return { meetingId: meeting.id, inMeeting, record: (file) => startRecording(page, { file, log }) };
}
