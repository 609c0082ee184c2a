import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import type { Quorum } from '../../src/main.js';
import { startQuorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { outcomeMail } from '../../src/notify/outcome-mail.js';
import { api, requestForCompany, scenarioSettings, simulatorOf, testConfig } from '../helpers/quorum.js';
import { waitForEnd, waitForState } from '../helpers/sessions.js';
import { secondStepAccounts } from '../sim/core/accounts.js';
import { simAccounts, type MeetScript } from '../sim/index.js';

/**
 * Meet's authenticated bot end to end: real Chromium bots sign in to the simulator's Google account from the
 * first attempt and join org-only meetings as a recognized member; anonymous bots (and a guest while the account is
 * in another meeting) meet the walls. Companies:
 * the authenticated bot on, off, on under Meet's former key `signedInBot` with an account Google refuses, and on with
 * an account Google asks for 2-Step Verification.
 */
const google = simAccounts.meet;
let quorum: Quorum;
let dataDir: string;

async function company(id: string, meet: Record<string, unknown>): Promise<void> {
  const settings = defaultCompanySettings({ id, assistantAddress: `assistant@${id}.example`, adminEmail: `admin@${id}.example` });
  const providers = { ...settings.providers, meet: { enabled: true, ...meet } };
  await quorum.companies.put({ id, name: id, assistantAddress: `assistant@${id}.example`, settings: { ...settings, providers } });
}

async function record(companyId: string, script: MeetScript): Promise<{ session: Session; meetingId: string }> {
  const sim = quorum.simulator;
  if (!sim) throw new Error('start Quorum with QUORUM_SIMULATE');
  const meeting = await sim.createMeeting('meet', script);
  return { session: await requestForCompany(quorum, companyId, meeting.joinUrl), meetingId: meeting.id };
}

beforeAll(async () => {
  const config = testConfig(scenarioSettings);
  dataDir = config.QUORUM_DATA_DIR;
  quorum = await startQuorum(config);
  await company('gsigned', { authenticatedBot: { enabled: true, account: { email: google.email, password: google.password } } });
  await company('ganon', {});
  await company('glegacy', { signedInBot: { enabled: true, account: { email: 'nobody@quorum-sim.example', password: 'not-known' } } });
  const mfa = secondStepAccounts.meet;
  await company('g2step', { authenticatedBot: { enabled: true, account: { email: mfa.email, password: mfa.password } } });
});
afterAll(async () => {
  await quorum?.close();
});

describe('meet with the authenticated bot, end to end', () => {
  it.concurrent('joins signed in from the first attempt, as a recognized member; a guest at once while the account is busy; sign-in reused', async () => {
    const sim = simulatorOf(quorum);
    // Org-only meetings: signed out, one sends the bot to Google's sign-in page, the other refuses it; both have a lobby nobody answers.
    const first = await record('gsigned', { guests: 'sign_in_required', lobby: { outcome: 'hold', afterMs: 0 }, participants: [{ name: 'Ada' }] });
    await waitForState(quorum, first.session.id, 'recording', 1, 150_000);
    // One meeting per account: the next goes as a guest at once, and Meet refuses a guest into an org-only call.
    const busy = await record('gsigned', { guests: 'blocked', lobby: { outcome: 'hold', afterMs: 0 }, participants: [{ name: 'Ben' }] });
    const refused = await waitForEnd(quorum, busy.session.id, 120_000, 2_500);
    expect(refused).toMatchObject({ state: 'failed', endCode: 'blocked_by_platform', attempt: 1 });
    expect(sim.getMeeting(busy.meetingId)?.events.map((e) => e.type)).not.toContain('bot_signed_in');
    const timeline = await quorum.sessions.timeline(busy.session.id);
    expect(timeline.find((e) => e.code === 'bot_accounts_busy')?.details).toMatchObject({ accounts: 1, joinedAsGuest: true });
    expect(outcomeMail(refused, timeline).text).toContain('every bot account (1) was in other meetings, so the bot joined as a guest');
    sim.act(first.meetingId, { type: 'end' });
    expect(await waitForEnd(quorum, first.session.id, 150_000)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    // Free again: the same kind of meeting now joins signed in, with the stored sign-in.
    const second = await record('gsigned', { guests: 'blocked', lobby: { outcome: 'hold', afterMs: 0 }, participants: [{ name: 'Ben' }], endAfterMs: 4_000 });
    expect(await waitForEnd(quorum, second.session.id, 150_000)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    const reports = [first, second].map((m) => sim.getMeeting(m.meetingId));
    for (const report of reports) {
      expect(report?.bot?.name).toBe(google.displayName);
      expect(report?.events.map((e) => e.type)).toContain('bot_signed_in');
    }
    expect(sim.signIns('meet', google.email)).toBe(1);
    for (const m of [first, second]) {
      const states = (await quorum.sessions.timeline(m.session.id)).map((e) => e.to).filter(Boolean);
      expect(states).not.toContain('waiting_room');
      expect((await quorum.artifacts.list(m.session.id)).filter((a) => a.kind === 'audio')).toHaveLength(1);
      const logs = JSON.stringify((await api<{ lines: unknown[] }>(quorum, 'GET', `/v1/sessions/${m.session.id}/logs?limit=10000`)).body.lines);
      expect(logs).toContain('joining signed in');
      expect(logs).not.toContain(google.password);
    }
    const dir = join(dataDir, 'accounts');
    const files = readdirSync(dir).filter((f) => f.endsWith('.state'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(join(dir, file)).toString('latin1')).not.toMatch(/sim_google_auth|"cookies"/);
  });

  it.concurrent.each([
    { name: 'sign-in wall', script: { guests: 'sign_in_required' }, endCode: 'sign_in_required', attempt: 2 },
    { name: 'org-only call', script: { guests: 'blocked', access: 'lobby' }, endCode: 'blocked_by_platform', attempt: 1 },
  ] as const)('authenticated bot off: $name ends $endCode, anonymously', async ({ script, endCode, attempt }) => {
    const { session, meetingId } = await record('ganon', structuredClone(script) as MeetScript);
    expect(await waitForEnd(quorum, session.id, 120_000, 2_500)).toMatchObject({ state: 'failed', endCode, attempt });
    expect(quorum.simulator?.getMeeting(meetingId)?.events.map((e) => e.type)).not.toContain('bot_signed_in');
  });

  it.concurrent("an account Google refuses (former key signedInBot): sign_in_failed, then the retry joins anonymously and records", async () => {
    const { session, meetingId } = await record('glegacy', { access: 'open', participants: [{ name: 'Ada' }], endAfterMs: 4_000 });
    expect(await waitForEnd(quorum, session.id, 120_000, 2_500)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 2 });
    expect((await quorum.sessions.attempts(session.id)).map((a) => a.endCode)).toEqual(['sign_in_failed', 'meeting_ended']);
    const report = quorum.simulator?.getMeeting(meetingId);
    expect(report?.bot?.name).not.toBe(google.displayName);
    expect(report?.events.map((e) => e.type)).not.toContain('bot_signed_in');
  });

  it.concurrent('an account Google asks for 2-Step Verification: sign_in_failed saying so, then the retry joins anonymously and records', async () => {
    const { session, meetingId } = await record('g2step', { access: 'open', participants: [{ name: 'Ada' }], endAfterMs: 4_000 });
    expect(await waitForEnd(quorum, session.id, 120_000, 2_500)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 2 });
    expect((await quorum.sessions.attempts(session.id)).map((a) => a.endCode)).toEqual(['sign_in_failed', 'meeting_ended']);
    const ending = (await quorum.sessions.timeline(session.id)).find((e) => e.attempt === 1 && e.code === 'sign_in_failed' && e.to !== null);
    expect(ending?.details?.message).toMatch(/^Google asked the bot account for a second sign-in step .*2-Step Verification off, then retry$/);
    expect(quorum.simulator?.getMeeting(meetingId)?.bot?.name).not.toBe(secondStepAccounts.meet.displayName);
  });
});
