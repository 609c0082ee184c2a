import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompanyStore } from '../../src/companies/company-store.js';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import type { EventOutcome } from '../../src/intake/outcomes.js';
import { tableResolver } from '../../src/intake/dns.js';
import { createDkimKey, signMessage } from '../../src/intake/mail-auth.js';
import { MeetingsStore } from '../../src/intake/meetings-store.js';
import { relayReplier } from '../../src/intake/reply.js';
import { startSmtpServer, type RunningSmtp } from '../../src/intake/smtp-server.js';
import type { Session } from '../../src/sessions/session.js';
import { until } from '../helpers/net.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { sendSmtp, startSink, storeInbound, type Sink } from './mail.js';

/**
 * Invites written for Quorum (test/fixtures/invites, README.md there says what each is), shaped like Google
 * Calendar, Outlook/Exchange and Apple Calendar and like Gmail's and Outlook's forwards, sent in order over SMTP,
 * DKIM-signed as the company's mail server would, on a clock set to 1 March 2027 08:00 UTC.
 */
const FIXTURES = fileURLToPath(new URL('../fixtures/invites/', import.meta.url));
const NOW = new Date('2027-03-01T08:00:00Z');
const ASSISTANT = 'assistant@acme.example';
const LEAD_SECONDS = 120;
const key = createDkimKey('acme.example');
const log = pino({ level: 'silent' });

let t: TestStore;
let sink: Sink;
let smtp: RunningSmtp;
let meetings: MeetingsStore;

async function deliver(name: string): Promise<{ id: string; events: EventOutcome[] }> {
  const raw = readFileSync(`${FIXTURES}${name}`);
  const from = /^From:.*<([^>]+)>/m.exec(raw.toString('latin1'))?.[1] ?? '';
  const response = await sendSmtp(smtp.port, { from, to: [ASSISTANT] }, await signMessage(raw, key));
  const id = /queued as (\S+)/.exec(response)?.[1] ?? '';
  const outcome = (await meetings.message(id))?.outcome as { events: EventOutcome[] } | undefined;
  return { id, events: outcome?.events ?? [] };
}

async function sessionsOf(uid: string): Promise<Session[]> {
  const rows = await meetings.occurrences('acme', uid);
  const sessions = await Promise.all(rows.flatMap((row) => (row.sessionId ? [t.sessions.get(row.sessionId)] : [])));
  return sessions.filter((session): session is Session => session !== undefined);
}

const only = (events: EventOutcome[]) => {
  expect(events).toHaveLength(1);
  return events[0] as EventOutcome;
};

beforeAll(async () => {
  t = await openTestStore('sqlite');
  sink = await startSink();
  const settings = defaultCompanySettings({ adminEmail: 'ada@acme.example' });
  settings.providers.teams.enabled = true;
  settings.providers.webex.enabled = true;
  settings.providers.webex.site = 'acme';
  settings.users['grace@acme.example'] = { email: 'grace@acme.example', seat: true, permissionProfile: 'admin', recordable: true };
  const companies = new CompanyStore(t.store.db);
  await companies.put({ id: 'acme', name: 'Acme', assistantAddress: ASSISTANT, settings });
  meetings = new MeetingsStore(t.store.db);
  const inbound = storeInbound(t.store.db, {
    store: meetings,
    sessions: t.sessions,
    // The scheduler's part for planned sessions (its queue is tested with the scheduler): cancel one when asked.
    scheduler: { plan: async () => undefined, abort: (id, endCode, reason) => t.sessions.transition(id, 'cancelled', { code: endCode, endCode, details: { reason } }) },
    leadSeconds: LEAD_SECONDS,
    resolver: tableResolver(key.dns),
    replier: relayReplier(sink.url, log),
    now: () => NOW,
  });
  smtp = await startSmtpServer(inbound, { host: '127.0.0.1', port: 0, maxBytes: 10 * 1024 * 1024, log });
});

afterAll(async () => {
  await smtp?.close();
  await sink?.close();
  await t?.store.close();
});

describe('the invite fixtures, through SMTP in order', () => {
  it('has every fixture covered here', () => {
    expect(readdirSync(FIXTURES).filter((name) => name.endsWith('.eml'))).toHaveLength(12);
  });

  it('Google Calendar invite (Europe/Berlin): one Meet session for the organizer, joining ahead of the start', async () => {
    const event = only((await deliver('01-google-meet-invite.eml')).events);
    expect(event).toMatchObject({ result: 'applied', sequence: 0, occurrences: [{ change: 'new', status: 'planned', provider: 'meet' }] });
    const [session, ...rest] = await sessionsOf('5kq3n0fixtureroadmap0r1vq2c@google.com');
    expect(rest).toHaveLength(0);
    expect(session).toMatchObject({ provider: 'meet', state: 'scheduled', requestedBy: 'ada@acme.example', title: 'Roadmap review', startsAt: '2027-03-09T09:00:00.000Z', endsAt: '2027-03-09T10:00:00.000Z', meetingUrl: 'https://meet.google.com/rdm-qxya-pzb' });
    expect(session?.joinAt).toBe(new Date(Date.parse('2027-03-09T09:00:00Z') - LEAD_SECONDS * 1000).toISOString());
  });

  it('its update (SEQUENCE 1) moves the same session; a late copy of the first version changes nothing', async () => {
    const [before] = await sessionsOf('5kq3n0fixtureroadmap0r1vq2c@google.com');
    expect(only((await deliver('02-google-meet-update.eml')).events)).toMatchObject({ result: 'applied', occurrences: [{ change: 'moved', sessionId: before?.id }] });
    expect(only((await deliver('03-google-meet-late-copy.eml')).events)).toMatchObject({ result: 'ignored_lower_sequence', currentSequence: 1 });
    const sessions = await sessionsOf('5kq3n0fixtureroadmap0r1vq2c@google.com');
    expect(sessions.map((s) => [s.id, s.startsAt, s.state])).toEqual([[before?.id, '2027-03-10T13:00:00.000Z', 'scheduled']]);
  });

  it('Outlook Teams invite in a Windows zone after the European DST change, then its cancellation', async () => {
    const uid = '040000008200E00074C5B7101A82E00800000000F0C3FIXTURE0000000000000000100000007D1E4F0A2B3C4D5E6F70812345678901';
    expect(only((await deliver('04-outlook-teams-invite.eml')).events)).toMatchObject({ result: 'applied', occurrences: [{ change: 'new', provider: 'teams' }] });
    const [planned] = await sessionsOf(uid);
    // 09:30 "W. Europe Standard Time" on 29 March 2027 is summer time (UTC+2).
    expect(planned).toMatchObject({ provider: 'teams', requestedBy: 'grace@acme.example', startsAt: '2027-03-29T07:30:00.000Z', state: 'scheduled', passcode: '••••••' });
    // "Passcode:" under "Meeting ID:" in the description, by the link the structured field names too.
    expect(await t.sessions.passcode(planned?.id ?? '')).toBe('Xa7bQ2');
    expect(only((await deliver('05-outlook-teams-cancel.eml')).events)).toMatchObject({ result: 'cancelled', occurrences: [{ change: 'cancelled' }] });
    expect((await sessionsOf(uid)).map((s) => [s.id, s.state, s.endCode])).toEqual([[planned?.id, 'cancelled', 'meeting_cancelled']]);
  });

  it('Gmail forward of an external organizer\'s invite: recorded for the colleague who forwarded it (New York, after the US DST change)', async () => {
    expect(only((await deliver('06-gmail-forward-meet.eml')).events)).toMatchObject({ result: 'applied', occurrences: [{ change: 'new', provider: 'meet' }] });
    expect(await sessionsOf('7aa1fixturepartnersync2m8x@google.com')).toMatchObject([{ requestedBy: 'grace@acme.example', startsAt: '2027-03-15T15:00:00.000Z', endsAt: '2027-03-15T15:45:00.000Z' }]);
  });

  it('Outlook forward with the invite attached as a message: a Webex session for the forwarder (Eastern Standard Time)', async () => {
    const event = only((await deliver('07-outlook-forward-webex.eml')).events);
    expect(event).toMatchObject({ result: 'applied', title: 'Supplier call', occurrences: [{ change: 'new', provider: 'webex' }] });
    const sessions = await sessionsOf(event.uid);
    expect(sessions).toMatchObject([{ provider: 'webex', requestedBy: 'ada@acme.example', startsAt: '2027-03-12T18:00:00.000Z', meetingUrl: 'https://supplier.webex.com/supplier/j.php?MTID=m4c1f0e2d3b4a596870a1b2c3d4e5f6a7' }]);
    expect(await t.sessions.passcode(sessions[0]?.id ?? '')).toBe('Qk4m9TzP');
  });

  it('Apple Calendar invite with a Zoom link: stored, not planned, and the organizer is told Zoom is off', async () => {
    const event = only((await deliver('08-apple-zoom-invite.eml')).events);
    expect(event).toMatchObject({ result: 'applied', occurrences: [{ change: 'rejected', status: 'rejected', startsAt: '2027-03-11T17:00:00.000Z', provider: 'zoom' }] });
    expect(event.occurrences[0]?.decision?.reasons.map((reason) => reason.code)).toContain('provider_disabled');
    expect(await sessionsOf('9C2F1A7E-FIXTURE08-4D2B-8E6F-3A1B2C3D4E5F')).toEqual([]);
    const reply = await until('the reply about Design critique', async () => sink.mails.find((mail) => /Design critique/.test(mail.subject ?? '')), 10_000);
    expect(reply.text).toContain('provider_disabled');
  });

  it('Google weekly series: the horizon\'s slots, the EXDATE skipped, the moved one at its new time, across the DST change', async () => {
    const event = only((await deliver('09-google-weekly-series.eml')).events);
    expect(event.result).toBe('applied');
    const sessions = (await sessionsOf('3tnfixtureweeklystandup9x0@google.com')).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    // 9:00 New York is 14:00 UTC before 14 March and 13:00 after; 16 March moved to 10:00; 9 March excluded; 6 April past the horizon.
    expect(sessions.map((s) => [s.startsAt, s.title])).toEqual([
      ['2027-03-02T14:00:00.000Z', 'Weekly stand-up'],
      ['2027-03-16T14:00:00.000Z', 'Weekly stand-up (moved)'],
      ['2027-03-23T13:00:00.000Z', 'Weekly stand-up'],
      ['2027-03-30T13:00:00.000Z', 'Weekly stand-up'],
    ]);
  });

  it('Webex invite with a password, then an update that changes only the password: the session keeps the current one', async () => {
    const event = only((await deliver('11-outlook-webex-password.eml')).events);
    expect(event).toMatchObject({ result: 'applied', occurrences: [{ change: 'new', provider: 'webex' }] });
    const [session] = await sessionsOf(event.uid);
    // 11:00 Eastern on 18 March 2027 is daylight time (UTC-4); the phones' numeric password is not the web one.
    expect(session).toMatchObject({ startsAt: '2027-03-18T15:00:00.000Z', passcode: '••••••' });
    expect(await t.sessions.passcode(session?.id ?? '')).toBe('tR7w@kQ2');
    const update = only((await deliver('12-outlook-webex-new-password.eml')).events);
    expect(update).toMatchObject({ result: 'applied', sequence: 1, occurrences: [{ change: 'unchanged', sessionId: session?.id }] });
    expect(await t.sessions.passcode(session?.id ?? '')).toBe('mZ4p#Lx9');
    const noted = (await t.sessions.timeline(session?.id ?? '')).find((e) => e.code === 'rescheduled');
    expect(noted?.details).toMatchObject({ passcode: 'changed' });
    expect(JSON.stringify(await t.sessions.timeline(session?.id ?? ''))).not.toMatch(/tR7w@kQ2|mZ4p#Lx9/);
    // Nor in what the message's outcome keeps (the decision and its request).
    expect(JSON.stringify(update)).not.toMatch(/tR7w@kQ2|mZ4p#Lx9/);
  });

  it('a forward from someone at the company who is not a Quorum user plans nothing and says why', async () => {
    const event = only((await deliver('10-gmail-forward-unknown-user.eml')).events);
    expect(event.occurrences[0]?.decision?.reasons.map((reason) => reason.code)).toContain('requester_unknown');
    expect(await sessionsOf('7aa1fixturepartnerbob2m8x@google.com')).toEqual([]);
    const reply = await until('the reply to bob', async () => sink.mails.find((mail) => JSON.stringify(mail.to).includes('bob@acme.example')), 10_000);
    expect(reply.text).toContain('requester_unknown');
  });
});
