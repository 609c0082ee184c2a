import type { CompanySettingsInput } from '../../src/eligibility/settings.js';
import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { api, simulatorOf } from '../helpers/quorum.js';
import { waitForEnd } from '../helpers/sessions.js';
import type { ZoomScript } from '../sim/index.js';
import type { ZoomApiSim } from '../sim/zoom/api.js';

export const webhookSecret = 'zoom-webhook-secret-for-tests';

/** Timings of the Zoom bot suites, many bots side by side: joins at once, short alone rule, no backoff. */
export const zoomBotSettings = {
  QUORUM_SIMULATE: true,
  QUORUM_CONCURRENCY: 12,
  QUORUM_LEAD_SECONDS: 0,
  QUORUM_ALONE_TIMEOUT_SECONDS: 2,
  QUORUM_STEP_TIMEOUT_SECONDS: 25,
  QUORUM_RETRY_BACKOFF_SECONDS: 0,
};

/** A company recording Zoom: boss@<id>.example may ask; the Zoom settings point at the simulator. */
export function zoomCompany(id: string, zoom: Record<string, unknown>, sim: ZoomApiSim): CompanySettingsInput {
  return {
    id,
    name: id,
    assistantAddress: `assistant@${id}.example`,
    botName: 'Quorum Notes',
    emailDomains: [`${id}.example`],
    providers: { zoom: { enabled: true, webhookSecretToken: webhookSecret, sdkKey: 'sim-sdk-key', sdkSecret: 'sim-sdk-secret', ...sim.companySettings(), ...zoom } },
    permissionProfiles: { rec: { name: 'Recorder', manualScheduleAndUpload: true } },
    consentProfiles: { open: { name: 'Open', enforceConsent: false, linkTypes: {} } },
    users: { [`boss@${id}.example`]: { email: `boss@${id}.example`, seat: true, permissionProfile: 'rec', consentProfile: 'open', recordable: true } },
  };
}

export async function createZoomCompany(quorum: Quorum, id: string, zoom: Record<string, unknown>, sim: ZoomApiSim): Promise<void> {
  const created = await api(quorum, 'POST', '/v1/companies', zoomCompany(id, zoom, sim));
  if (created.status !== 201) throw new Error(`company ${id} not created: ${created.status} ${JSON.stringify(created.body)}`);
}

/** Asks for a recording of a meeting running from now for `minutes`, with the meeting's passcode if given. */
export async function requestRecording(quorum: Quorum, companyId: string, meetingUrl: string, minutes = 30, startOffsetMs = 0, passcode?: string): Promise<{ session: Session; decision: Record<string, unknown> }> {
  const startsAt = new Date(Date.now() + startOffsetMs);
  const response = await api<{ session: Session; decision: Record<string, unknown> }>(quorum, 'POST', `/v1/companies/${companyId}/recording-requests`, {
    meetingUrl,
    ...(passcode === undefined ? {} : { passcode }),
    requesterEmail: `boss@${companyId}.example`,
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + minutes * 60_000).toISOString(),
  });
  if (response.status !== 201) throw new Error(`request refused: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/**
 * A Zoom bot run end to end against the simulator: the meeting, the request, the end; what the session went
 * through, the message its ending event carried, what the simulated meeting saw, and the recording.
 */
export async function runZoomBot(quorum: Quorum, companyId: string, script: ZoomScript, passcode: 'in the link' | 'stated apart' | 'nowhere' = 'in the link') {
  const sim = simulatorOf(quorum);
  const meeting = await sim.createMeeting('zoom', script);
  // Some invites give the link without `pwd` and state the passcode in their text (a request's `passcode`).
  const url = new URL(meeting.joinUrl);
  const pwd = url.searchParams.get('pwd') ?? undefined;
  if (passcode !== 'in the link') url.searchParams.delete('pwd');
  const { session, decision } = await requestRecording(quorum, companyId, url.toString(), 10, 0, passcode === 'stated apart' ? pwd : undefined);
  const ended = await waitForEnd(quorum, session.id, 80_000, 2_500);
  const timeline = await quorum.sessions.timeline(session.id);
  const states = timeline.map((e) => e.to).filter(Boolean);
  const last = timeline.filter((e) => e.code === ended.endCode).at(-1);
  const message = typeof last?.details?.['message'] === 'string' ? last.details['message'] : '';
  const events = (sim.getMeeting(meeting.id)?.events ?? []).map((e) => `${e.type}${e.name ? `:${e.name}` : ''}`);
  const [audio] = (await quorum.artifacts.list(session.id)).filter((a) => a.kind === 'audio');
  return { ended, states, message, events, audio, decision };
}
