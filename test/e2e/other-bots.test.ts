import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { requestForCompany, scenarioSettings, startTestQuorum } from '../helpers/quorum.js';
import { waitForEnd } from '../helpers/sessions.js';
import type { SimEvent } from '../sim/core/types.js';
import type { MeetScript, TeamsScript } from '../sim/index.js';
import { webexSite } from '../sim/webex/provider.js';
import { createZoomCompany, requestRecording } from '../zoom/fixtures.js';

type Provider = 'meet' | 'teams' | 'webex';

/**
 * Other notetaker bots do not keep Quorum's bot in a meeting (Vexa #545, #270): Ada admits the bot alongside an
 * "Otter.ai" participant and leaves; the bot leaves `left_alone` within the alone timeout while Otter is still
 * there. In the control meetings a person stays, and the bot stays until the meeting ends. Every provider's bot
 * reads the names from the simulated page, side by side in one Quorum.
 */
describe('auto-leave when only other bots remain', () => {
  let quorum: Quorum;
  beforeAll(async () => {
    quorum = await startTestQuorum({ ...scenarioSettings, QUORUM_CONCURRENCY: 6, QUORUM_LEAD_SECONDS: 0 });
    const settings = defaultCompanySettings({ id: 'bots', assistantAddress: 'assistant@bots.example', adminEmail: 'admin@bots.example' });
    const providers = { ...settings.providers, meet: { enabled: true }, teams: { enabled: true }, webex: { enabled: true, site: webexSite } };
    // The company's own recorder counts as a bot too, beside the installation's list.
    const own = { ...settings, providers, otherBotNames: ['Acme Recorder'] };
    await quorum.companies.put({ id: 'bots', name: 'bots', assistantAddress: 'assistant@bots.example', settings: own });
    if (!quorum.simulator) throw new Error('no simulator');
    await createZoomCompany(quorum, 'zbots', { mode: 'local', permissionTimeoutSeconds: 10, hostAbsentWaitSeconds: 5 }, quorum.simulator.zoomApi);
  });
  afterAll(async () => {
    await quorum?.close();
  });

  async function record(provider: Provider, script: MeetScript & TeamsScript): Promise<{ session: Session; meetingId: string }> {
    const sim = quorum.simulator;
    if (!sim) throw new Error('start Quorum with QUORUM_SIMULATE');
    const meeting = provider === 'meet' ? await sim.createMeeting('meet', script) : await sim.createMeeting(provider, script);
    return { session: await requestForCompany(quorum, 'bots', meeting.joinUrl), meetingId: meeting.id };
  }

  function events(meetingId: string): SimEvent[] {
    return quorum.simulator?.getMeeting(meetingId)?.events ?? [];
  }

  function expectLeftWhileBotStayed(provider: string, meetingId: string, bot: string): void {
    const log = events(meetingId);
    // The other bot never left: Quorum's went while it was still in the meeting, after Ada and within the alone rule.
    expect(log.some((e) => e.type === 'participant_left' && e.name === bot), provider).toBe(false);
    const botLeft = at(log, 'bot_left') - at(log, 'participant_left', 'Ada');
    expect(botLeft, provider).toBeGreaterThan(0);
    // Alone timeout 2 s; generous for a busy machine, far below the 45 s nobody-joined rule.
    expect(botLeft, provider).toBeLessThan(30_000);
  }

  async function expectLeftAlone(provider: string, session: Session, meetingId: string, bot = 'Otter.ai'): Promise<void> {
    const ended = await waitForEnd(quorum, session.id);
    expect(ended, provider).toMatchObject({ state: 'done', endCode: 'left_alone', attempt: 1 });
    const leaving = (await quorum.sessions.timeline(session.id)).find((e) => e.to === 'leaving');
    expect(leaving?.details, provider).toMatchObject({ reason: `only other bots remain: ${bot}` });
    expectLeftWhileBotStayed(provider, meetingId, bot);
  }

  const at = (list: SimEvent[], type: SimEvent['type'], name?: string): number =>
    Date.parse(list.find((e) => e.type === type && (name === undefined || e.name === name))?.at ?? '');

  const lobby = { outcome: 'admit', afterMs: 1_000 } as const;
  const otter = { name: 'Otter.ai', speaks: false };

  it.concurrent('leaves left_alone once only Otter.ai (or a bot the company names) is left (Meet, Teams, Webex), and stays while a person is there (Meet, Teams)', async () => {
    const onlyBots = (['meet', 'teams', 'webex'] as const).map((provider) =>
      // Ada stays 12 s: long enough for the bot's watch to read her on a loaded machine (the Teams and Webex rosters
      // take seconds to open); a watch that never saw her would apply the 45 s nobody-joined rule instead.
      record(provider, { access: 'lobby', lobby, participants: [{ name: 'Ada', leaveAfterMs: 12_000 }, otter] }).then((run) => ({ provider, ...run })),
    );
    const controls = (['meet', 'teams'] as const).map((provider) =>
      record(provider, {
        access: 'lobby',
        lobby,
        participants: [{ name: 'Ada', leaveAfterMs: 6_000 }, { name: 'Grace', speaks: false }, otter],
        endAfterMs: 16_000,
      }).then((run) => ({ provider, ...run })),
    );

    const ownBot = record('meet', { access: 'lobby', lobby, participants: [{ name: 'Ada', leaveAfterMs: 12_000 }, { name: 'Acme Recorder', speaks: false }] });

    for (const { provider, session, meetingId } of await Promise.all(onlyBots)) await expectLeftAlone(provider, session, meetingId);
    const own = await ownBot;
    await expectLeftAlone('meet (the company\'s own bot name)', own.session, own.meetingId, 'Acme Recorder');

    for (const { provider, session, meetingId } of await Promise.all(controls)) {
      const ended = await waitForEnd(quorum, session.id);
      expect(ended, provider).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
      const log = events(meetingId);
      expect(log.map((e) => e.type), provider).not.toContain('bot_left');
      expect(log.map((e) => e.type), provider).toContain('ended');
    }
  });

  it.concurrent('leaves a Zoom meeting left_alone once only Otter.ai is left in the attendee list', async () => {
    const sim = quorum.simulator;
    if (!sim) throw new Error('no simulator');
    const meeting = await sim.createMeeting('zoom', {
      participants: [{ name: 'Ada', leaveAfterMs: 6_000 }, otter],
      permission: { answer: 'granted', afterMs: 500 },
    });
    const { session } = await requestRecording(quorum, 'zbots', meeting.joinUrl, 10);
    await expectLeftAlone('zoom', session, meeting.id);
  });
});
