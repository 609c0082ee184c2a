import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import { tableResolver } from '../../src/intake/dns.js';
import type { InboundResult } from '../../src/intake/inbound.js';
import { createDkimKey, signMessage } from '../../src/intake/mail-auth.js';
import { startQuorum, type Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { adminToken, api, scenarioSettings, simulatorOf, testConfig } from '../helpers/quorum.js';
import { waitForEnd } from '../helpers/sessions.js';
import { inviteMail } from '../intake/mail.js';
import { teamsPasscode, type TeamsEventScript } from '../sim/teams/script.js';
import { webexSite } from '../sim/webex/provider.js';
import type { WebexPasswordScript } from '../sim/webex/script.js';

const COMPANY = 'pass';
const REQUESTER = `admin@${COMPANY}.example`;
const mailKey = createDkimKey(`${COMPANY}.example`);
const PASSWORD = 'gP3m@42x';

/** How the meeting is asked for: the API with `passcode`, the API with the invite's .ics, or the invite e-mailed. */
type Way = 'api' | 'ics' | 'mail';

/**
 * The passcode an invite states apart from its link, carried to the bot: real Quorum, real Chromium bots against
 * the simulated Webex (whose links never carry the password) and Teams (a `/meet/<id>` link without its `p`).
 */
describe('a meeting passcode stated apart from the link', () => {
  let quorum: Quorum;

  beforeAll(async () => {
    quorum = await startQuorum(testConfig({ ...scenarioSettings, QUORUM_LEAD_SECONDS: 0 }), { dnsResolver: tableResolver(mailKey.dns) });
    const settings = defaultCompanySettings({ id: COMPANY, assistantAddress: `assistant@${COMPANY}.example`, adminEmail: REQUESTER });
    const providers = { ...settings.providers, webex: { enabled: true, site: webexSite }, teams: { enabled: true } };
    await quorum.companies.put({ id: COMPANY, name: COMPANY, assistantAddress: `assistant@${COMPANY}.example`, settings: { ...settings, providers } });
  });
  afterAll(async () => {
    await quorum?.close();
  });

  /** An invite for `link` whose description states the passcode the way Webex and Teams write it. */
  function invite(link: string, label: string, passcode: string): string {
    const start = new Date(Date.now() - 60_000);
    const spec = { uid: `passcode-${Math.random().toString(36).slice(2)}`, start, minutes: 10, organizer: REQUESTER, link, summary: 'Vendor review' };
    const mail = inviteMail(spec, { from: REQUESTER, to: `assistant@${COMPANY}.example` });
    return mail.replace(`DESCRIPTION:Join: ${link}`, `DESCRIPTION:Join: ${link}\\nMeeting number: 2630 118 2207\\n${label}: ${passcode}\\n\\nJoin by phone\\nNumeric meeting password: 75649870`);
  }

  async function request(way: Way, link: string, passcode: string, label = 'Meeting password'): Promise<Session> {
    if (way === 'mail') {
      const raw = await signMessage(invite(link, label, passcode), mailKey);
      const response = await fetch(`${quorum.url}/v1/inbound/email?to=assistant@${COMPANY}.example`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'message/rfc822' }, body: new Uint8Array(raw) });
      const result = (await response.json()) as InboundResult;
      const id = result.events[0]?.occurrences[0]?.sessionId;
      const session = id ? await quorum.sessions.get(id) : undefined;
      if (!session) throw new Error(`nothing planned: ${JSON.stringify(result.events)}`);
      return session;
    }
    const ics = way === 'ics' ? /BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/.exec(invite(link, label, passcode))?.[0] : undefined;
    const body = ics ? { ics, requesterEmail: REQUESTER } : { meetingUrl: link, passcode, requesterEmail: REQUESTER, endsAt: new Date(Date.now() + 10 * 60_000).toISOString() };
    const response = await api<{ session: Session }>(quorum, 'POST', `/v1/companies/${COMPANY}/recording-requests`, body, adminToken);
    if (response.status !== 201) throw new Error(`request refused: ${response.status} ${JSON.stringify(response.body)}`);
    expect(response.body.session.passcode).toBe('••••••');
    return response.body.session;
  }

  /** The passcode is nowhere the API shows: the session, its timeline, its log lines. */
  async function expectNotShown(session: Session, passcode: string): Promise<void> {
    const detail = await api(quorum, 'GET', `/v1/sessions/${session.id}?events=1&attempts=1`);
    const list = await api(quorum, 'GET', `/v1/sessions?companyId=${COMPANY}`);
    const logs = await api(quorum, 'GET', `/v1/sessions/${session.id}/logs?limit=10000`);
    const shown = JSON.stringify([detail.body, list.body, logs.body]);
    expect(shown).toContain('••••••');
    expect(shown).not.toContain(passcode);
  }

  const joins: ReadonlyArray<{ name: string; way: Way }> = [
    { name: 'requested through the API with the passcode', way: 'api' },
    { name: 'requested through the API with the invite\'s .ics', way: 'ics' },
    { name: 'e-mailed as an invite', way: 'mail' },
  ];

  it.concurrent.each(joins)('Webex meeting with a password, $name: joins and records', async ({ way }) => {
    const script: WebexPasswordScript = { access: 'open', password: PASSWORD, participants: [{ name: 'Ada' }], endAfterMs: 4_000 };
    const meeting = await simulatorOf(quorum).createMeeting('webex', script);
    const session = await request(way, meeting.joinUrl, PASSWORD);
    expect(await waitForEnd(quorum, session.id, 120_000)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    expect((await quorum.artifacts.list(session.id)).filter((a) => a.kind === 'audio')).toHaveLength(1);
    await expectNotShown(session, PASSWORD);
  });

  const refusals: ReadonlyArray<{ name: string; way: Way; given: string; reason: RegExp }> = [
    { name: 'a wrong passcode in the request', way: 'api', given: 'Qk4m9TzP', reason: /rejected the meeting passcode the invite states/ },
    { name: 'a wrong password in the e-mailed invite', way: 'mail', given: 'Qk4m9TzP', reason: /rejected the meeting passcode the invite states/ },
  ];

  it.concurrent.each(refusals)('Webex meeting with a password, $name → password_incorrect, saying why', async ({ way, given, reason }) => {
    const script: WebexPasswordScript = { access: 'open', password: PASSWORD };
    const meeting = await simulatorOf(quorum).createMeeting('webex', script);
    const session = await request(way, meeting.joinUrl, given);
    expect(await waitForEnd(quorum, session.id, 120_000, 2_500)).toMatchObject({ state: 'failed', endCode: 'password_incorrect', attempt: 1 });
    const ending = (await quorum.sessions.timeline(session.id)).find((e) => e.code === 'password_incorrect' && e.to !== null);
    expect(ending?.details?.['message']).toMatch(reason);
    await expectNotShown(session, given);
  });

  it.concurrent('Teams link without its `p`, e-mailed with "Passcode:" beside "Meeting ID:": joins and records', async () => {
    const script: TeamsEventScript = { access: 'open', passcode: 'link', participants: [{ name: 'Ada' }], endAfterMs: 4_000 };
    const meeting = await simulatorOf(quorum).createMeeting('teams', script);
    const link = meeting.joinUrl.replace(/\?p=.*$/, '');
    const code = /\/meet\/(\d+)/.exec(link)?.[1] ?? '';
    const session = await request('mail', link, teamsPasscode(code), 'Passcode');
    expect(await waitForEnd(quorum, session.id, 120_000)).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 1 });
    await expectNotShown(session, teamsPasscode(code));
  });
});
