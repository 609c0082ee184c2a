import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import { recordingPath } from '../../src/runner/salvage.js';
import { api, startTestQuorum } from '../helpers/quorum.js';
import { requestNow, waitForEnd, waitForState } from '../helpers/sessions.js';
import { choose, createLink } from './helpers.js';

const speaker = { access: 'open' as const, participants: [{ name: 'Ada' }, { name: 'Grace' }] };

/** Consent gating end to end: real Quorum, real Chromium bots, the simulated Meet. */
describe('consent gating', () => {
  let quorum: Quorum;
  beforeAll(async () => {
    quorum = await startTestQuorum({ QUORUM_SIMULATE: true, QUORUM_CONCURRENCY: 4, QUORUM_LEAD_SECONDS: 0 });
  });
  afterAll(async () => {
    await quorum.close();
  });

  async function meetingWithLink(meetingId: string) {
    const sim = quorum.simulator;
    if (!sim) throw new Error('simulator not started');
    const meeting = await sim.createMeeting('meet', speaker);
    const created = await createLink(quorum, { type: 'dynamic', meetingId, conferenceUrl: meeting.joinUrl });
    return { sim, meeting, created };
  }

  /** A session for the meeting, planned to join 5 s after `now`: time for a consent choice first. */
  async function planJoinIn5s(meetingUrl: string, now: number) {
    const session = await quorum.sessions.create({
      companyId: 'default',
      provider: 'meet',
      plan: 'bot',
      meetingUrl,
      startsAt: new Date(now + 5000),
      endsAt: new Date(now + 30 * 60_000),
      joinAt: new Date(now + 5000),
    });
    await quorum.scheduler.plan(session);
    return session;
  }

  it('a decline before the planned join cancels the session and no bot enters the meeting', async () => {
    const { sim, meeting, created } = await meetingWithLink('before-join');
    const now = Date.now();
    const session = await planJoinIn5s(meeting.joinUrl, now);
    const response = await choose(quorum, created.path, 'no_record');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(meeting.joinUrl);
    const ended = await waitForEnd(quorum, session.id);
    expect(ended).toMatchObject({ state: 'cancelled', endCode: 'consent_declined' });
    // Past the planned join time, the meeting has still never seen a bot.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, now + 7000 - Date.now())));
    const report = sim.getMeeting(meeting.id);
    expect(report?.bot).toBeUndefined();
    expect(report?.events.map((e) => e.type)).not.toContain('bot_opened');
  });

  it('a decline after the same participant chose "Join" stands: the session is cancelled', async () => {
    const { sim, meeting, created } = await meetingWithLink('changed-mind');
    const session = await planJoinIn5s(meeting.joinUrl, Date.now());
    // One participant (same address and browser): first "Join", then "Join but don't record".
    expect((await choose(quorum, created.path, 'record')).status).toBe(303);
    expect((await choose(quorum, created.path, 'no_record')).status).toBe(303);
    expect(await waitForEnd(quorum, session.id)).toMatchObject({ state: 'cancelled', endCode: 'consent_declined' });
    expect(sim.getMeeting(meeting.id)?.bot).toBeUndefined();
  });

  it('a decline recorded before the session exists cancels it at the join', async () => {
    const { sim, meeting, created } = await meetingWithLink('declined-early');
    expect((await choose(quorum, created.path, 'no_record')).status).toBe(303);
    const session = await requestNow(quorum, meeting.joinUrl);
    expect(await waitForEnd(quorum, session.id)).toMatchObject({ state: 'cancelled', endCode: 'consent_declined' });
    expect(sim.getMeeting(meeting.id)?.bot).toBeUndefined();
    const timeline = await quorum.sessions.timeline(session.id);
    expect(timeline.find((e) => e.code === 'consent_declined')?.details).toMatchObject({ declines: 1 });
  });

  it('a decline while recording makes the bot leave within 10 s and delete the recording', async () => {
    const { sim, meeting, created } = await meetingWithLink('during-recording');
    const session = await requestNow(quorum, meeting.joinUrl);
    await waitForState(quorum, session.id, 'recording');
    // "Join" first (another participant): it counts, and it does not stop the bot.
    expect((await choose(quorum, created.path, 'record', { userAgent: 'participant-a' })).status).toBe(303);
    const file = recordingPath(quorum.artifacts.dirFor(session.id), 1);
    await expect.poll(() => existsSync(file), { timeout: 15_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await quorum.sessions.get(session.id))?.state).toBe('recording');

    const declinedAt = Date.now();
    expect((await choose(quorum, created.path, 'no_record', { userAgent: 'participant-b' })).status).toBe(303);
    await expect.poll(() => sim.getMeeting(meeting.id)?.bot?.leftAt, { timeout: 10_000, interval: 100 }).toBeDefined();
    const leftAt = Date.parse(sim.getMeeting(meeting.id)?.bot?.leftAt ?? '');
    expect(leftAt - declinedAt).toBeLessThan(10_000);

    const ended = await waitForEnd(quorum, session.id);
    expect(ended).toMatchObject({ state: 'cancelled', endCode: 'consent_declined' });
    expect(existsSync(file)).toBe(false);
    expect((await quorum.artifacts.list(session.id)).filter((a) => a.kind === 'audio')).toEqual([]);

    const detail = await api<{ timeline: Array<{ code: string; details: Record<string, unknown> | null }>; consentChoices: Array<{ choice: string; userAgent: string }> }>(
      quorum,
      'GET',
      `/v1/sessions/${session.id}`,
    );
    const codes = detail.body.timeline.map((e) => e.code);
    expect(codes).toEqual(expect.arrayContaining(['consent_choice', 'recording_deleted', 'consent_declined']));
    expect(detail.body.timeline.find((e) => e.code === 'recording_deleted')?.details).toMatchObject({ reason: 'consent_declined' });
    expect(detail.body.consentChoices.map((c) => [c.choice, c.userAgent])).toEqual([
      ['record', 'participant-a'],
      ['no_record', 'participant-b'],
    ]);
  });
});
