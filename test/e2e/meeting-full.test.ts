import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { adminToken, api, simulatorOf, startTestQuorum } from '../helpers/quorum.js';
import { waitForEnd } from '../helpers/sessions.js';
import { webexSite } from '../sim/webex/provider.js';
import { createZoomCompany, requestRecording } from '../zoom/fixtures.js';

/**
 * A meeting at capacity, on every browser-based provider: real Chromium bots against the simulator's
 * full-meeting pages (Meet, Teams, Webex) and the Meeting SDK stand-in's capacity error (Zoom). Each session
 * ends `failed` with `meeting_full` on its first attempt and is not retried. Side by side in one Quorum.
 */
describe('a full meeting ends meeting_full on every provider', () => {
  let quorum: Quorum;

  beforeAll(async () => {
    quorum = await startTestQuorum({
      QUORUM_SIMULATE: true,
      QUORUM_CONCURRENCY: 6,
      QUORUM_LEAD_SECONDS: 0,
      QUORUM_WAITING_ROOM_TIMEOUT_SECONDS: 20,
      // Long enough that a bot which missed the full-meeting page would end ui_changed, and be retried, instead.
      QUORUM_STEP_TIMEOUT_SECONDS: 20,
      QUORUM_RETRY_BACKOFF_SECONDS: 0,
    });
    const settings = defaultCompanySettings({ id: 'full', assistantAddress: 'assistant@full.example', adminEmail: 'admin@full.example' });
    const providers = {
      ...settings.providers,
      teams: { enabled: true, authenticatedBot: { enabled: false } },
      webex: { enabled: true, authenticatedBot: { enabled: false }, site: webexSite },
    };
    await quorum.companies.put({ id: 'full', name: 'full', assistantAddress: 'assistant@full.example', settings: { ...settings, providers } });
    await createZoomCompany(quorum, 'zfull', { mode: 'local' }, simulatorOf(quorum).zoomApi);
  }, 60_000);
  afterAll(async () => {
    await quorum?.close();
  });

  async function requestWeb(provider: 'meet' | 'teams' | 'webex'): Promise<{ session: Session; meetingId: string }> {
    const sim = simulatorOf(quorum);
    // Two people already fill the call; the bot would be the third.
    const script = { full: true, access: 'open' as const, participants: [{ name: 'Ada' }, { name: 'Grace' }] };
    const meeting = provider === 'meet' ? await sim.createMeeting('meet', script) : await sim.createMeeting(provider, script);
    const body = { meetingUrl: meeting.joinUrl, requestedBy: 'admin@full.example', endsAt: new Date(Date.now() + 10 * 60_000).toISOString() };
    const response = await api<{ session: Session }>(quorum, 'POST', '/v1/companies/full/recording-requests', body, adminToken);
    if (response.status !== 201) throw new Error(`request refused: ${response.status} ${JSON.stringify(response.body)}`);
    return { session: response.body.session, meetingId: meeting.id };
  }

  async function outcome(session: Session, meetingId: string) {
    const ended = await waitForEnd(quorum, session.id, 100_000, 2_500);
    const events = (simulatorOf(quorum).getMeeting(meetingId)?.events ?? []).map((e) => e.type);
    const artifacts = await quorum.artifacts.list(session.id);
    const html = artifacts.find((a) => a.kind === 'html');
    return { ended, events, artifacts, html: html ? await readFile(html.path, 'utf8') : '' };
  }

  it.concurrent.each([
    ['meet', 'This video call is full'],
    ['teams', 'This meeting is full'],
    ['webex', 'This meeting is full'],
  ] as const)('%s: the full-meeting page → failed, meeting_full, attempt 1', async (provider, wording) => {
    const { session, meetingId } = await requestWeb(provider);
    const { ended, events, artifacts, html } = await outcome(session, meetingId);
    expect(ended).toMatchObject({ state: 'failed', endCode: 'meeting_full', attempt: 1 });
    expect(events).toContain('full');
    expect(events).not.toContain('admitted');
    // The evidence shows what the bot saw: the provider's own full-meeting page.
    expect(artifacts.map((a) => a.kind).sort()).toEqual(['html', 'screenshot']);
    expect(html).toContain(wording);
  });

  it.concurrent('zoom: the Meeting SDK refuses the join with 4005 → failed, meeting_full, attempt 1', async () => {
    const meeting = await simulatorOf(quorum).createMeeting('zoom', { full: true, participants: [{ name: 'Hana' }] });
    const { session } = await requestRecording(quorum, 'zfull', meeting.joinUrl, 10);
    const { ended, events } = await outcome(session, meeting.id);
    expect(ended).toMatchObject({ state: 'failed', endCode: 'meeting_full', attempt: 1 });
    expect(events).toContain('full');
    expect(events).not.toContain('admitted');
    const timeline = await quorum.sessions.timeline(session.id);
    expect(timeline.filter((e) => e.to === 'joining')).toHaveLength(1);
  });
});
