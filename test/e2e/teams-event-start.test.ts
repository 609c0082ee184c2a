import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { requestForCompany, scenarioSettings, simulatorOf, startTestQuorum } from '../helpers/quorum.js';
import { waitForEnd } from '../helpers/sessions.js';
import { simAccounts } from '../sim/index.js';
import type { TeamsEventScript } from '../sim/teams/script.js';

/**
 * A bot that arrives before a Teams event opens to external participants ("External participants are not
 * permitted to join before the event begins", peer-bots.md §1.1 `microsoft_teams_event_not_started_for_external`,
 * §6.2) waits in the waiting-room state, opens the link again now and then, and records once the event opens,
 * signed in or not, on its first attempt. An event that never opens ends `meeting_not_started` at the
 * waiting-room timeout (20 s here). Side by side in one Quorum.
 */
describe('Teams events that open after the bot arrives', () => {
  let quorum: Quorum;

  beforeAll(async () => {
    quorum = await startTestQuorum({ ...scenarioSettings, QUORUM_LEAD_SECONDS: 0 });
    const company = async (id: string, authenticatedBot: object): Promise<void> => {
      const settings = defaultCompanySettings({ id, assistantAddress: `assistant@${id}.example`, adminEmail: `admin@${id}.example` });
      const providers = { ...settings.providers, teams: { enabled: true, authenticatedBot } };
      await quorum.companies.put({ id, name: id, assistantAddress: `assistant@${id}.example`, settings: { ...settings, providers } });
    };
    await company('early', { enabled: false });
    await company('earlysigned', { enabled: true, account: { email: simAccounts.teams.email, password: simAccounts.teams.password } });
  }, 60_000);
  afterAll(async () => {
    await quorum?.close();
  });

  async function record(companyId: string, script: TeamsEventScript): Promise<{ session: Session; meetingId: string }> {
    const meeting = await simulatorOf(quorum).createMeeting('teams', script);
    return { session: await requestForCompany(quorum, companyId, meeting.joinUrl), meetingId: meeting.id };
  }

  const opened = (meetingId: string): number =>
    simulatorOf(quorum).getMeeting(meetingId)?.events.filter((e) => e.type === 'bot_opened').length ?? 0;

  it.concurrent.each([
    { name: 'anonymous, through the lobby', companyId: 'early', script: { lobby: { outcome: 'admit', afterMs: 1_000 } }, signedIn: false },
    { name: 'signed in to another tenant', companyId: 'earlysigned', script: { access: 'open' }, signedIn: true },
  ] as const)('$name: waits for the event to open, then records on the first attempt', async ({ companyId, script, signedIn }) => {
    const { session, meetingId } = await record(companyId, {
      ...script,
      eventOpensAfterMs: 12_000,
      participants: [{ name: 'Ada' }],
      endAfterMs: 5_000,
    });
    const ended = await waitForEnd(quorum, session.id, 120_000);
    expect(ended).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    const states = (await quorum.sessions.timeline(session.id)).map((e) => e.to).filter(Boolean);
    expect(states).toEqual(expect.arrayContaining(['waiting_room', 'recording']));
    // It came early (the event's page, then the link opened again) and was admitted once the event opened.
    expect(opened(meetingId)).toBeGreaterThan(1);
    const events = simulatorOf(quorum).getMeeting(meetingId)?.events.map((e) => e.type) ?? [];
    expect(events).toContain('admitted');
    expect(events.includes('bot_signed_in')).toBe(signedIn);
    const [audio] = (await quorum.artifacts.list(session.id)).filter((a) => a.kind === 'audio');
    expect(audio).toBeDefined();
  });

  it.concurrent('ends meeting_not_started when the event does not open within the waiting-room timeout, without a retry', async () => {
    const { session, meetingId } = await record('early', { eventOpensAfterMs: 600_000, access: 'open' });
    const ended = await waitForEnd(quorum, session.id, 120_000);
    expect(ended).toMatchObject({ state: 'failed', endCode: 'meeting_not_started', attempt: 1 });
    expect((await quorum.sessions.attempts(session.id)).map((a) => a.endCode)).toEqual(['meeting_not_started']);
    expect(simulatorOf(quorum).getMeeting(meetingId)?.events.map((e) => e.type)).not.toContain('join_requested');
  });
});
