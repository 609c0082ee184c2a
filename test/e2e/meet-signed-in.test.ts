import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import type { Quorum } from '../../src/main.js';
import { startQuorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { api, requestForCompany, scenarioSettings, testConfig } from '../helpers/quorum.js';
import { waitForEnd } from '../helpers/sessions.js';
import { simAccounts, type MeetScript } from '../sim/index.js';

/**
 * Meet's authenticated bot end to end: real Chromium bots sign in to the simulator's Google account from the
 * first attempt and join org-only meetings as a recognized member; anonymous bots meet the walls. Companies:
 * the authenticated bot on, off, and on under Meet's former key `signedInBot` with an account Google refuses.
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
});
afterAll(async () => {
  await quorum?.close();
});

describe('meet with the authenticated bot, end to end', () => {
  it.concurrent('joins signed in from the first attempt, as a recognized member, one meeting per account, sign-in reused', async () => {
    const sim = quorum.simulator;
    if (!sim) throw new Error('no simulator');
    // Org-only meetings: signed out, one sends the bot to Google's sign-in page, the other refuses it; both have a lobby nobody answers.
    const first = await record('gsigned', { guests: 'sign_in_required', lobby: { outcome: 'hold', afterMs: 0 }, participants: [{ name: 'Ada' }], endAfterMs: 6_000 });
    const second = await record('gsigned', { guests: 'blocked', lobby: { outcome: 'hold', afterMs: 0 }, participants: [{ name: 'Ben' }], endAfterMs: 4_000 });
    const ended = await Promise.all([first, second].map((m) => waitForEnd(quorum, m.session.id, 150_000)));
    for (const session of ended) expect(session).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    const reports = [first, second].map((m) => sim.getMeeting(m.meetingId));
    for (const report of reports) {
      expect(report?.bot?.name).toBe(google.displayName);
      expect(report?.events.map((e) => e.type)).toContain('bot_signed_in');
    }
    // Never two bots on one account: the later admission comes after the earlier bot left.
    const [earlier, later] = reports.map((r) => r?.bot).sort((x, y) => Date.parse(x?.admittedAt ?? '') - Date.parse(y?.admittedAt ?? ''));
    expect(Date.parse(later?.admittedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(earlier?.leftAt ?? ''));
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
});
