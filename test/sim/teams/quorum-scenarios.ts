import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanVolume, probeDuration } from '../../../providers/browser/test-support.js';
import { defaultCompanySettings } from '../../../src/eligibility/settings.js';
import type { Quorum } from '../../../src/main.js';
import type { Session } from '../../../src/sessions/session.js';
import { startQuorum } from '../../../src/main.js';
import { outcomeMail } from '../../../src/notify/outcome-mail.js';
import { adminToken, api, requestForCompany, scenarioSettings, simulatorOf, testConfig } from '../../helpers/quorum.js';
import { waitForEnd, waitForState } from '../../helpers/sessions.js';
import { secondStepAccounts } from '../core/accounts.js';
import { simAccounts, type TeamsScript } from '../index.js';
import { webexSite } from '../webex/provider.js';
import type { WebexPasswordScript } from '../webex/script.js';
import type { TeamsEventScript } from './script.js';

type WebProvider = 'teams' | 'webex';

/**
 * Quorum end to end against a simulated Teams or Webex: real Chromium bots, real WebRTC audio, the real
 * scheduler, store and retry policy. Companies: anonymous only, with the authenticated bot (every attempt signs
 * in), with a wrong password (falls back to anonymous), with an account that asks for a second sign-in step (MFA),
 * and enabled without credentials. Scenarios run side by side in one Quorum.
 */
export function webProviderScenarios(provider: WebProvider): void {
  const account = simAccounts[provider];
  let quorum: Quorum;
  let dataDir: string;

  async function company(id: string, authenticatedBot: object): Promise<void> {
    const settings = defaultCompanySettings({ id, assistantAddress: `assistant@${id}.example`, adminEmail: `admin@${id}.example` });
    // Eligibility wants the company's Webex site; the simulator serves one.
    const site = provider === 'webex' ? { site: webexSite } : {};
    const providers = { ...settings.providers, [provider]: { enabled: true, authenticatedBot, ...site } };
    await quorum.companies.put({ id, name: id, assistantAddress: `assistant@${id}.example`, settings: { ...settings, providers } });
  }

  /** `link`: the link the requester sends, made from the meeting's own (e.g. its passcode dropped). */
  async function record(companyId: string, script: TeamsScript, link: (url: string) => string = (url) => url): Promise<{ session: Session; meetingId: string }> {
    const sim = quorum.simulator;
    if (!sim) throw new Error('start Quorum with QUORUM_SIMULATE');
    const meeting = await sim.createMeeting(provider, script);
    return { session: await requestForCompany(quorum, companyId, link(meeting.joinUrl)), meetingId: meeting.id };
  }

  /** The reason the attempt's ending carries in the timeline (the adapter's words), for the operator and the API. */
  async function endingReason(sessionId: string, endCode: string, attempt = 1): Promise<unknown> {
    const ending = (await quorum.sessions.timeline(sessionId)).find((e) => e.attempt === attempt && e.code === endCode && e.to !== null);
    return ending?.details?.message;
  }

  beforeAll(async () => {
    const config = testConfig(scenarioSettings);
    dataDir = config.QUORUM_DATA_DIR;
    quorum = await startQuorum(config);
    await company('anon', { enabled: false });
    await company('signed', { enabled: true, account: { email: account.email, password: account.password } });
    await company('wrongpw', { enabled: true, account: { email: account.email, password: 'not-the-password' } });
    const mfa = secondStepAccounts[provider];
    await company('twostep', { enabled: true, account: { email: mfa.email, password: mfa.password } });
    await company('nocreds', { enabled: true });
  });
  afterAll(async () => {
    await quorum?.close();
  });

  describe(`${provider} sessions end to end`, () => {
    // Alone, before the scenarios that run side by side: on two cores, eight more bots starve the audio clock.
    it('records after lobby admission: audio as long as the bot was in, and not silence', async () => {
      const { session, meetingId } = await record('anon', {
        lobby: { outcome: 'admit', afterMs: 2_000 },
        participants: [{ name: 'Ada' }, { name: 'Grace' }],
        endAfterMs: 12_000,
      });
      const ended = await waitForEnd(quorum, session.id, 120_000);
      expect(ended).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
      const states = (await quorum.sessions.timeline(session.id)).map((e) => e.to).filter(Boolean);
      expect(states).toContain('waiting_room');
      const [audio] = (await quorum.artifacts.list(session.id)).filter((a) => a.kind === 'audio');
      if (!audio) throw new Error('no recording');
      // The authenticated bot is off: the bot joined as a guest under the company's bot name.
      expect(quorum.simulator?.getMeeting(meetingId)?.events.map((e) => e.type)).not.toContain('bot_signed_in');
      const bot = quorum.simulator?.getMeeting(meetingId)?.bot;
      const inMeetingSeconds = (Date.parse(bot?.leftAt ?? '') - Date.parse(bot?.admittedAt ?? '')) / 1000;
      expect(inMeetingSeconds).toBeGreaterThan(10);
      expect(Math.abs((await probeDuration(audio.path)) - inMeetingSeconds)).toBeLessThan(3);
      expect(await meanVolume(audio.path)).toBeGreaterThan(-40);
    });

    // Alone too: its refused sign-in holds the account's lease (the lease is the account's, across companies), and a
    // signed-in scenario beside it would find the account busy and go as a guest.
    it('a wrong password: sign_in_failed, then the retry joins anonymously and records', async () => {
      const { session, meetingId } = await record('wrongpw', { access: 'open', participants: [{ name: 'Ada' }], endAfterMs: 4_000 });
      expect(await waitForEnd(quorum, session.id, 120_000, 2_500)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 2 });
      expect((await quorum.sessions.attempts(session.id)).map((a) => a.endCode)).toEqual(['sign_in_failed', 'meeting_ended']);
      expect(quorum.simulator?.getMeeting(meetingId)?.bot?.name).not.toBe(account.displayName);
    });

    const endings = [
      { name: 'denied by the host', company: 'anon', script: { lobby: { outcome: 'deny', afterMs: 1_500 } }, state: 'failed', endCode: 'admission_denied', attempt: 1 },
      { name: 'CAPTCHA, authenticated bot off', company: 'anon', script: { gate: 'captcha' }, state: 'failed', endCode: 'blocked_by_captcha', attempt: 2 },
      { name: 'sign-in required, authenticated bot off', company: 'anon', script: { gate: 'sign_in_required' }, state: 'failed', endCode: 'sign_in_required', attempt: 2 },
      { name: 'removed by the host', company: 'anon', script: { access: 'open', participants: [{ name: 'Ada' }], removeBotAfterMs: 4_000 }, state: 'failed', endCode: 'kicked', attempt: 1 },
      { name: 'everyone else leaves', company: 'anon', script: { access: 'open', participants: [{ name: 'Ada', leaveAfterMs: 10_000 }] }, state: 'done', endCode: 'left_alone', attempt: 1 },
    ] as const;

    it.concurrent.each(endings)('$name → $endCode', async ({ company: companyId, script, state, endCode, attempt }) => {
      const { session } = await record(companyId, structuredClone(script) as TeamsScript);
      expect(await waitForEnd(quorum, session.id, 120_000, 2_500)).toMatchObject({ state, endCode, attempt });
    });

    // Its own account (and lease): it may run beside the others.
    it.concurrent('an account that asks for a second sign-in step: sign_in_failed saying so, then the retry joins anonymously and records', async () => {
      const { session, meetingId } = await record('twostep', { access: 'open', participants: [{ name: 'Ada' }], endAfterMs: 4_000 });
      expect(await waitForEnd(quorum, session.id, 120_000, 2_500)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 2 });
      expect((await quorum.sessions.attempts(session.id)).map((a) => a.endCode)).toEqual(['sign_in_failed', 'meeting_ended']);
      expect(await endingReason(session.id, 'sign_in_failed')).toMatch(/asked the bot account for a second sign-in step .* then retry$/);
      expect(quorum.simulator?.getMeeting(meetingId)?.bot?.name).not.toBe(secondStepAccounts[provider].displayName);
      expect(simulatorOf(quorum).signIns(provider, secondStepAccounts[provider].email)).toBe(0);
    });

    const passcodes: ReadonlyArray<{ name: string; script: TeamsEventScript | WebexPasswordScript; link?: (url: string) => string; reason: RegExp }> = provider === 'teams'
      ? [
        { name: 'link without its passcode', script: { access: 'open', passcode: 'link' }, link: (url) => url.replace(/\?p=.*$/, ''), reason: /has no passcode/ },
        { name: 'link with a wrong passcode', script: { access: 'open', passcode: 'link' }, link: (url) => url.replace(/\?p=.*$/, '?p=Wrong1'), reason: /rejected the meeting passcode/ },
      ]
      : [{ name: 'meeting with a password', script: { access: 'open', password: true }, reason: /do not carry the meeting password/ }];

    it.concurrent.each(passcodes)('$name → password_incorrect, saying why', async ({ script, link, reason }) => {
      const { session } = await record('anon', structuredClone(script), link);
      expect(await waitForEnd(quorum, session.id, 120_000, 2_500)).toMatchObject({ state: 'failed', endCode: 'password_incorrect', attempt: 1 });
      expect(await endingReason(session.id, 'password_incorrect')).toMatch(reason);
    });

    // Teams only: a Webex link never carries the password.
    if (provider === 'teams') it.concurrent('a link with the right passcode: joins and records', async () => {
      const script: TeamsEventScript = { access: 'open', passcode: 'link', participants: [{ name: 'Ada' }], endAfterMs: 4_000 };
      const { session } = await record('anon', script);
      expect(await waitForEnd(quorum, session.id, 120_000)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
      expect((await quorum.artifacts.list(session.id)).filter((a) => a.kind === 'audio')).toHaveLength(1);
    });

    it.concurrent('an authenticated bot enabled without credentials is refused up front, naming the setting', async () => {
      const meeting = await quorum.simulator?.createMeeting(provider, { gate: 'captcha' });
      const body = { meetingUrl: meeting?.joinUrl, requestedBy: 'admin@nocreds.example', endsAt: new Date(Date.now() + 10 * 60_000).toISOString() };
      const response = await api<{ error: string; decision: { reasons: Array<{ code: string; setting?: string }> } }>(quorum, 'POST', '/v1/companies/nocreds/recording-requests', body, adminToken);
      expect(response.status).toBe(422);
      expect(response.body.decision.reasons).toEqual([expect.objectContaining({ code: 'provider_misconfigured', setting: `providers.${provider}.authenticatedBot.account` })]);
      expect(await quorum.sessions.list({ companyId: 'nocreds' })).toEqual([]);
    });

    it.concurrent('with the authenticated bot: signed in past CAPTCHA and sign-in walls; a guest at once while the one account is busy; sign-in reused', async () => {
      const sim = simulatorOf(quorum);
      // Attempt 1 signs in and records (no anonymous attempt first); the meeting runs until it is ended below.
      const first = await record('signed', { gate: 'captcha', access: 'open', participants: [{ name: 'Ada' }] });
      await waitForState(quorum, first.session.id, 'recording', 1, 120_000);
      // The one account is in that meeting: a meeting that admits guests is joined as a guest at once and recorded,
      // and one behind a sign-in wall ends with the wall's code, the requester told that every account was busy.
      const guest = await record('signed', { access: 'open', participants: [{ name: 'Ben' }], endAfterMs: 4_000 });
      const walled = await record('signed', { gate: 'sign_in_required', access: 'open' });
      const [g, w] = await Promise.all([waitForEnd(quorum, guest.session.id, 120_000), waitForEnd(quorum, walled.session.id, 120_000, 2_500)]);
      expect(g).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
      expect(w).toMatchObject({ state: 'failed', endCode: 'sign_in_required', attempt: 2 });
      expect((await quorum.artifacts.list(guest.session.id)).filter((x) => x.kind === 'audio')).toHaveLength(1);
      for (const m of [guest, walled]) {
        expect(sim.getMeeting(m.meetingId)?.events.map((e) => e.type)).not.toContain('bot_signed_in');
        expect(sim.getMeeting(m.meetingId)?.bot?.name).not.toBe(account.displayName);
      }
      // Said in the timeline before the bot took a browser (`joining`), with how many accounts were busy.
      const timeline = await quorum.sessions.timeline(guest.session.id);
      const busyAt = timeline.findIndex((e) => e.code === 'bot_accounts_busy');
      expect(timeline[busyAt]?.details).toMatchObject({ accounts: 1, joinedAsGuest: true });
      expect(busyAt).toBeLessThan(timeline.findIndex((e) => e.to === 'joining'));
      const walledSession = await quorum.sessions.get(walled.session.id);
      if (!walledSession) throw new Error('no session');
      expect(outcomeMail(walledSession, await quorum.sessions.timeline(walled.session.id)).text).toContain('every bot account (1) was in other meetings');
      // The account is free again once its meeting ends: the next meeting behind a wall signs in.
      sim.act(first.meetingId, { type: 'end' });
      expect(await waitForEnd(quorum, first.session.id, 120_000)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
      const second = await record('signed', { gate: 'sign_in_required', access: 'open', participants: [{ name: 'Ben' }], endAfterMs: 4_000 });
      expect(await waitForEnd(quorum, second.session.id, 120_000)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
      for (const m of [first, second]) {
        expect(sim.getMeeting(m.meetingId)?.bot?.name).toBe(account.displayName);
        expect(sim.getMeeting(m.meetingId)?.events.map((e) => e.type)).toContain('bot_signed_in');
      }
      // The second join reused the stored sign-in: one password sign-in for two meetings.
      expect(sim.signIns(provider, account.email)).toBe(1);
      for (const m of [first, second]) {
        const [audio] = (await quorum.artifacts.list(m.session.id)).filter((x) => x.kind === 'audio');
        expect(audio).toBeDefined();
      }
      // No password in any log line of either session.
      for (const m of [first, second]) {
        const logs = await api<{ lines: unknown[] }>(quorum, 'GET', `/v1/sessions/${m.session.id}/logs?limit=10000`);
        const text = JSON.stringify(logs.body.lines);
        expect(text).toContain('joining signed in');
        expect(text).not.toContain(account.password);
      }
      // The signed-in state is kept encrypted: no cookie name or JSON in the file.
      const dir = join(dataDir, 'accounts');
      const files = readdirSync(dir).filter((f) => f.endsWith('.state'));
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const raw = readFileSync(join(dir, file));
        expect(raw.toString('latin1')).not.toMatch(/sim_(teams|webex)_auth|"cookies"/);
      }
    });
  });
}
