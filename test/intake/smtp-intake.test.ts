import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import { mergeTables, tableResolver } from '../../src/intake/dns.js';
import type { InboundResult } from '../../src/intake/inbound.js';
import { createDkimKey, signMessage } from '../../src/intake/mail-auth.js';
import { startQuorum, type Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { until } from '../helpers/net.js';
import { adminToken, api, testConfig } from '../helpers/quorum.js';
import { inviteMail, sendSmtp, startSink, type InviteSpec, type Sink } from './mail.js';

const ASSISTANT = 'assistant@acme.example';
const RETIRED = 'assistant@generic-quorum.example';
const acmeKey = createDkimKey('acme.example');
const evilKey = createDkimKey('evil.example');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const meetLink = (code: string) => `https://meet.google.com/${code}`;
/** A time `ms` from now on a whole minute, as calendars write them. */
const inMs = (ms: number) => new Date(Math.floor((Date.now() + ms) / 60_000) * 60_000);

let quorum: Quorum;
let sink: Sink;
let port: number;

async function send(spec: InviteSpec, mail: { from: string; forward?: boolean; to?: string; sign?: 'acme' | 'evil' | false }): Promise<string> {
  const raw = inviteMail(spec, { from: mail.from, to: mail.to ?? ASSISTANT, ...(mail.forward ? { forward: true } : {}) });
  const key = mail.sign === false ? undefined : mail.sign === 'evil' ? evilKey : acmeKey;
  const signed = key ? await signMessage(raw, key) : Buffer.from(raw);
  return sendSmtp(port, { from: mail.from, to: [mail.to ?? ASSISTANT] }, signed);
}

async function sessionsOf(uid: string): Promise<Session[]> {
  const rows = await quorum.intake.meetings.occurrences('acme', uid);
  const sessions = await Promise.all(rows.filter((row) => row.sessionId).map((row) => quorum.sessions.get(row.sessionId ?? '')));
  return sessions.filter((s): s is Session => s !== undefined);
}

function replyTo(address: string, subject: RegExp) {
  return until(`a reply to ${address} about ${String(subject)}`, () => Promise.resolve(sink.mails.find((mail) => mail.to !== undefined && JSON.stringify(mail.to).includes(address) && subject.test(mail.subject ?? ''))), 20_000);
}

beforeAll(async () => {
  sink = await startSink();
  const dns = tableResolver(mergeTables(acmeKey.dns, evilKey.dns));
  quorum = await startQuorum(testConfig({ QUORUM_SMTP_RELAY_URL: sink.url, QUORUM_RETIRED_ASSISTANT_ADDRESSES: RETIRED, QUORUM_RECURRENCE_HORIZON_DAYS: 20 }), { dnsResolver: dns });
  const settings = defaultCompanySettings({ adminEmail: 'ada@acme.example' });
  await quorum.companies.put({ id: 'acme', name: 'Acme', assistantAddress: ASSISTANT, settings });
  port = quorum.intake.smtp?.port ?? 0;
});

afterAll(async () => {
  await quorum?.close();
  await sink?.close();
});

describe('invites by e-mail through SMTP', () => {
  it('a signed direct invite schedules one session and the organizer is told when and with which provider', async () => {
    const start = inMs(2 * DAY);
    const response = await send({ uid: 'direct-1', start, organizer: 'ada@acme.example', link: meetLink('abc-defg-hij'), summary: 'Direct invite' }, { from: 'ada@acme.example' });
    expect(response).toMatch(/^250/);
    const [session, ...rest] = await sessionsOf('direct-1');
    expect(rest).toHaveLength(0);
    expect(session).toMatchObject({ state: 'scheduled', provider: 'meet', requestedBy: 'ada@acme.example', startsAt: start.toISOString(), joinAt: new Date(start.getTime() - 60_000).toISOString() });
    const reply = await replyTo('ada@acme.example', /Direct invite/);
    expect(reply.text).toContain('will be recorded');
    expect(reply.text).toContain('(meet)');
    expect(reply.from?.value[0]?.address).toBe(ASSISTANT);
  });

  it('a forwarded invite schedules for the forwarder; forwarded twice it schedules once; updates move, stale ones are ignored, CANCEL cancels', async () => {
    const start = inMs(3 * DAY);
    const spec: InviteSpec = { uid: 'fwd-1', start, organizer: 'carol@partner.example', link: meetLink('fwd-defg-hij'), summary: 'Partner sync', dtstamp: new Date(Date.now() - HOUR) };
    await send(spec, { from: 'ada@acme.example', forward: true });
    await send(spec, { from: 'ada@acme.example', forward: true });
    const [first, ...others] = await sessionsOf('fwd-1');
    expect(others).toHaveLength(0);
    expect(first?.requestedBy).toBe('ada@acme.example');
    const meeting = await quorum.intake.meetings.meeting('acme', 'fwd-1');
    expect(meeting).toMatchObject({ sequence: 0, requestedBy: 'ada@acme.example', organizer: 'carol@partner.example' });

    const moved = new Date(start.getTime() + 2 * HOUR);
    await send({ ...spec, sequence: 1, start: moved, dtstamp: new Date() }, { from: 'ada@acme.example', forward: true });
    const [after] = await sessionsOf('fwd-1');
    expect(after?.id).toBe(first?.id);
    expect(after).toMatchObject({ state: 'scheduled', startsAt: moved.toISOString(), joinAt: new Date(moved.getTime() - 60_000).toISOString() });
    expect((await quorum.sessions.timeline(after?.id ?? '')).map((e) => e.code)).toContain('rescheduled');

    // A late copy of the first version changes nothing and is recorded as ignored.
    await send({ ...spec, sequence: 0, dtstamp: new Date() }, { from: 'ada@acme.example', forward: true });
    expect((await sessionsOf('fwd-1'))[0]?.startsAt).toBe(moved.toISOString());
    await until('the reply about the stale version', () => Promise.resolve(sink.mails.find((mail) => mail.text?.includes('ignored, because a newer version (sequence 1)'))), 20_000);
    const [latest] = await quorum.intake.meetings.messages(1);
    expect((await quorum.intake.meetings.message(latest?.id ?? ''))?.outcome).toMatchObject({ events: [{ result: 'ignored_lower_sequence', currentSequence: 1 }] });

    // Equal sequence: applied only with a newer DTSTAMP.
    const equalOlder = await quorum.intake.inbound.receive({ transport: 'http', raw: Buffer.from(await signMessage(inviteMail({ ...spec, sequence: 1, start, dtstamp: new Date(Date.now() - DAY) }, { from: 'ada@acme.example', to: ASSISTANT, forward: true }), acmeKey)), envelope: { recipients: [ASSISTANT], remoteIp: '127.0.0.1', mailFrom: 'ada@acme.example' } });
    expect(equalOlder.events[0]?.result).toBe('duplicate');
    const later = new Date(moved.getTime() + HOUR);
    await send({ ...spec, sequence: 1, start: later, dtstamp: new Date(Date.now() + 1000) }, { from: 'ada@acme.example', forward: true });
    expect((await sessionsOf('fwd-1'))[0]?.startsAt).toBe(later.toISOString());

    await send({ ...spec, sequence: 2, method: 'CANCEL', status: 'CANCELLED', start: later, dtstamp: new Date(Date.now() + 2000) }, { from: 'ada@acme.example', forward: true });
    const [cancelled] = await sessionsOf('fwd-1');
    expect(cancelled).toMatchObject({ id: first?.id, state: 'cancelled', endCode: 'meeting_cancelled' });
    expect((await quorum.intake.meetings.meeting('acme', 'fwd-1'))?.status).toBe('cancelled');
  });

  it('an update that moves the meeting to another provider re-plans the same session for that provider', async () => {
    const settings = defaultCompanySettings({ adminEmail: 'ada@acme.example' });
    await quorum.companies.put({ id: 'acme', name: 'Acme', assistantAddress: ASSISTANT, settings: { ...settings, providers: { ...settings.providers, webex: { enabled: true, site: 'acme', authenticatedBot: { enabled: false } } } } });
    try {
      const spec: InviteSpec = { uid: 'switch-1', start: inMs(3 * DAY), organizer: 'ada@acme.example', link: meetLink('swi-tchx-mee'), summary: 'Moved to Webex', dtstamp: new Date(Date.now() - HOUR) };
      await send(spec, { from: 'ada@acme.example' });
      const [first] = await sessionsOf('switch-1');
      expect(first).toMatchObject({ provider: 'meet', plan: 'bot' });
      const webex = 'https://acme.webex.com/meet/ada';
      await send({ ...spec, sequence: 1, link: webex, dtstamp: new Date() }, { from: 'ada@acme.example' });
      const [after, ...others] = await sessionsOf('switch-1');
      expect(others).toHaveLength(0);
      expect(after).toMatchObject({ id: first?.id, state: 'scheduled', provider: 'webex', plan: 'bot', meetingUrl: webex });
      const rescheduled = (await quorum.sessions.timeline(after?.id ?? '')).find((e) => e.code === 'rescheduled');
      expect(rescheduled?.details).toMatchObject({ provider: { from: 'meet', to: 'webex' } });
    } finally {
      await quorum.companies.put({ id: 'acme', name: 'Acme', assistantAddress: ASSISTANT, settings: defaultCompanySettings({ adminEmail: 'ada@acme.example' }) });
    }
  });

  it('an invite for a meeting already requested through the API takes that session instead of sending a second bot', async () => {
    const start = inMs(5 * DAY);
    const link = meetLink('api-firs-tab');
    const requested = await api<{ session: Session }>(quorum, 'POST', '/v1/companies/acme/recording-requests', { meetingUrl: link, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 30 * 60_000).toISOString(), requesterEmail: 'ada@acme.example' });
    expect(requested.status).toBe(201);
    await send({ uid: 'api-first-1', start, organizer: 'ada@acme.example', link, summary: 'Asked twice' }, { from: 'ada@acme.example' });
    const sessions = await sessionsOf('api-first-1');
    expect(sessions.map((s) => s.id)).toEqual([requested.body.session.id]);
    expect((await quorum.sessions.list({ companyId: 'acme', limit: 1000 })).filter((s) => s.meetingUrl === link)).toHaveLength(1);
  });

  it('two invites for one meeting (two UIDs) share its session: cancelling one keeps the recording, cancelling both ends it', async () => {
    const start = inMs(6 * DAY);
    const link = meetLink('two-invi-tes');
    const outlook: InviteSpec = { uid: 'twice-outlook', start, organizer: 'ada@acme.example', link, summary: 'Booked twice', dtstamp: new Date(Date.now() - HOUR) };
    const google: InviteSpec = { ...outlook, uid: 'twice-google' };
    await send(outlook, { from: 'ada@acme.example' });
    await send(google, { from: 'ada@acme.example' });
    const [shared] = await sessionsOf('twice-outlook');
    expect((await sessionsOf('twice-google')).map((s) => s.id)).toEqual([shared?.id]);
    await send({ ...outlook, sequence: 1, method: 'CANCEL', status: 'CANCELLED', dtstamp: new Date() }, { from: 'ada@acme.example' });
    expect((await quorum.sessions.get(shared?.id ?? ''))?.state).toBe('scheduled');
    await send({ ...google, sequence: 1, method: 'CANCEL', status: 'CANCELLED', dtstamp: new Date() }, { from: 'ada@acme.example' });
    expect(await quorum.sessions.get(shared?.id ?? '')).toMatchObject({ state: 'cancelled', endCode: 'meeting_cancelled' });
  });

  it('two copies of one invite arriving at the same moment schedule one session', async () => {
    const spec: InviteSpec = { uid: 'together-1', start: inMs(2 * DAY), organizer: 'carol@partner.example', link: meetLink('tog-ethe-rrr'), summary: 'Together' };
    await Promise.all([send(spec, { from: 'ada@acme.example', forward: true }), send(spec, { from: 'ada@acme.example' }), send(spec, { from: 'ada@acme.example', forward: true })]);
    const sessions = (await quorum.sessions.list({ companyId: 'acme' })).filter((s) => s.title === 'Together');
    expect(sessions.filter((s) => s.state === 'scheduled')).toHaveLength(1);
  });

  it('an invite turned down for one requester is recorded when a colleague with a seat forwards it, and is theirs from then on', async () => {
    const dtstamp = new Date(Date.now() - HOUR);
    for (const [uid, second] of [['again-1', dtstamp], ['again-2', new Date()]] as const) {
      // The same version again (duplicate) and a copy with a newer DTSTAMP (Outlook regenerates it on forward).
      const spec: InviteSpec = { uid, start: inMs(2 * DAY), organizer: 'carol@partner.example', link: meetLink(uid === 'again-1' ? 'aga-inaa-one' : 'aga-inaa-two'), summary: `Asked again ${uid}`, dtstamp };
      const refused = await send(spec, { from: 'mallory@evil.example', forward: true, sign: 'evil' });
      expect(await sessionsOf(uid)).toHaveLength(0);
      // The message keeps what was decided and why not; the full decision (every check) is the occurrence's.
      const stored = await quorum.intake.meetings.message(/queued as (\S+)/.exec(refused)?.[1] ?? '');
      const decision = (stored?.outcome as { events: Array<{ occurrences: Array<{ decision: Record<string, unknown> }> }> }).events[0]?.occurrences[0]?.decision;
      expect(decision).toMatchObject({ eligible: false, reasons: [expect.objectContaining({ code: 'requester_unknown' })] });
      expect(decision).not.toHaveProperty('checks');
      await send({ ...spec, dtstamp: second }, { from: 'ada@acme.example', forward: true });
      const sessions = await sessionsOf(uid);
      expect(sessions.map((s) => [s.state, s.requestedBy])).toEqual([['scheduled', 'ada@acme.example']]);
      expect((await quorum.intake.meetings.meeting('acme', uid))?.requestedBy).toBe('ada@acme.example');
      // Planned now, so the outsider can no longer change it.
      await send({ ...spec, sequence: 1, start: inMs(4 * DAY) }, { from: 'mallory@evil.example', forward: true, sign: 'evil' });
      expect((await sessionsOf(uid)).map((s) => s.startsAt)).toEqual([spec.start.toISOString()]);
      expect((await replyTo('mallory@evil.example', new RegExp(`Asked again ${uid}`))).text).toBeDefined();
    }
    const outsider = sink.mails.filter((mail) => JSON.stringify(mail.to).includes('mallory@evil.example') && /again-1/.test(mail.subject ?? ''));
    expect(outsider.map((mail) => mail.text).join('\n')).toContain('did not come from the meeting\'s organizer');
  });

  it('a spoofed From (DMARC fail) schedules nothing, stores no meeting and is answered with sender_not_authenticated only inside the company', async () => {
    const start = inMs(2 * DAY);
    const unsigned = await send({ uid: 'spoof-1', start, organizer: 'ada@acme.example', link: meetLink('spo-ofed-aaa'), summary: 'Spoofed one' }, { from: 'ada@acme.example', sign: false });
    expect(unsigned).toMatch(/^250/);
    await send({ uid: 'spoof-2', start, organizer: 'ada@acme.example', link: meetLink('spo-ofed-bbb'), summary: 'Spoofed two' }, { from: 'ada@acme.example', sign: 'evil' });
    expect(await quorum.intake.meetings.meetings('acme', 'spoof-1')).toHaveLength(0);
    expect(await quorum.intake.meetings.meetings('acme', 'spoof-2')).toHaveLength(0);
    const reply = await replyTo('ada@acme.example', /Spoofed two/);
    expect(reply.text).toContain('sender_not_authenticated');
    // A forged outside sender is not answered: the reply would go to whoever was impersonated (backscatter).
    await send({ uid: 'spoof-3', start, organizer: 'mallory@elsewhere.example', link: meetLink('spo-ofed-ccc'), summary: 'Spoofed three' }, { from: 'victim@elsewhere.example', sign: false });
    await quorum.intake.inbound.drain();
    expect(sink.mails.filter((mail) => JSON.stringify(mail.to).includes('elsewhere.example'))).toEqual([]);
    // A spoofed CANCEL of a real meeting changes nothing.
    await send({ uid: 'direct-1', sequence: 5, method: 'CANCEL', start, organizer: 'ada@acme.example' }, { from: 'ada@acme.example', sign: false });
    expect((await sessionsOf('direct-1'))[0]?.state).toBe('scheduled');
  });

  it('a recurring invite yields one session per occurrence in the horizon, with EXDATE and RECURRENCE-ID overrides', async () => {
    const start = new Date(Math.floor((Date.now() + DAY) / 60_000) * 60_000);
    const slot = (week: number) => new Date(start.getTime() + week * 7 * DAY);
    const spec: InviteSpec = {
      uid: 'weekly-1', start, organizer: 'ada@acme.example', link: meetLink('wee-klyy-aaa'), summary: 'Weekly', rrule: 'FREQ=WEEKLY;COUNT=6',
      exdates: [slot(1)], overrides: [{ slot: slot(2), start: new Date(slot(2).getTime() + HOUR) }],
    };
    await send(spec, { from: 'ada@acme.example' });
    // Horizon 20 days: slots 0, 1, 2 fall in it; slot 1 is excluded, slot 2 moved by an hour.
    const sessions = await sessionsOf('weekly-1');
    expect(sessions.map((s) => s.startsAt).sort()).toEqual([start.toISOString(), new Date(slot(2).getTime() + HOUR).toISOString()]);
    // One occurrence cancelled on its own.
    await send({ ...spec, rrule: undefined, exdates: [], overrides: [], method: 'CANCEL', recurrenceId: slot(0), start: slot(0), sequence: 1 }, { from: 'ada@acme.example' });
    const after = await sessionsOf('weekly-1');
    expect(after.find((s) => s.startsAt === start.toISOString())).toMatchObject({ state: 'cancelled', endCode: 'meeting_cancelled' });
    expect(after.filter((s) => s.state === 'scheduled')).toHaveLength(1);
  });

  it('keeps a recurring meeting planned as the horizon moves on: new occurrences only, exclusions and overrides kept', async () => {
    const start = new Date(Math.floor((Date.now() + DAY) / 60_000) * 60_000);
    const slot = (week: number) => new Date(start.getTime() + week * 7 * DAY);
    const spec: InviteSpec = { uid: 'rolling-1', start, organizer: 'ada@acme.example', link: meetLink('rol-ling-aaa'), summary: 'Rolling', rrule: 'FREQ=WEEKLY;COUNT=7', exdates: [slot(4)] };
    await send(spec, { from: 'ada@acme.example' });
    // Slot 3 moved by an hour in its own mail: planned at once, like any single meeting.
    const moved = new Date(slot(3).getTime() + HOUR);
    await send({ ...spec, rrule: undefined, exdates: [], recurrenceId: slot(3), start: moved, sequence: 1 }, { from: 'ada@acme.example' });
    const first = await sessionsOf('rolling-1');
    expect(first.map((s) => s.startsAt).sort()).toEqual([slot(0), slot(1), slot(2), moved].map((d) => d.toISOString()));

    // Three weeks later the 20-day horizon reaches slots 3 (already moved), 4 (excluded) and 5: only 5 is new.
    const later = new Date(Date.now() + 21 * DAY);
    // (The series of the tests before this one are extended too.)
    expect(await quorum.intake.inbound.extendSeries(later)).toMatchObject({ failed: 0 });
    const extended = await sessionsOf('rolling-1');
    expect(extended.map((s) => s.startsAt).sort()).toEqual([slot(0), slot(1), slot(2), moved, slot(5)].map((d) => d.toISOString()));
    expect(extended.filter((s) => first.some((f) => f.id === s.id))).toHaveLength(4);
    expect(extended.every((s) => s.state === 'scheduled' && s.requestedBy === 'ada@acme.example')).toBe(true);
    // Running again plans nothing twice; a cancelled series is not extended.
    expect(await quorum.intake.inbound.extendSeries(later)).toMatchObject({ planned: 0 });
    await send({ ...spec, method: 'CANCEL', sequence: 2 }, { from: 'ada@acme.example' });
    expect(await quorum.intake.inbound.extendSeries(new Date(Date.now() + 42 * DAY))).toMatchObject({ planned: 0 });
    expect((await sessionsOf('rolling-1')).filter((s) => s.state === 'scheduled')).toHaveLength(0);
  });

  it('malformed mail and a broken calendar are kept raw, rejected clearly and answered, without a crash', async () => {
    const broken = inviteMail({ uid: 'broken-1', start: inMs(DAY), organizer: 'ada@acme.example', summary: 'Broken' }, { from: 'ada@acme.example', to: ASSISTANT }).replace('BEGIN:VEVENT', 'BEGIN:VEVENT\r\nDTSTART;TZID=Nowhere:garbage').replace(/END:VCALENDAR/, '');
    const raw = Buffer.from(broken);
    const response = await sendSmtp(port, { from: 'ada@acme.example', to: [ASSISTANT] }, raw);
    expect(response).toMatch(/^250 Ok: queued as (\S+)/);
    const id = /queued as (\S+)/.exec(response)?.[1] ?? '';
    const stored = await quorum.intake.meetings.message(id);
    expect(stored?.raw.equals(raw)).toBe(true);
    expect(stored?.status).toBe('rejected');
    expect(stored?.error).toMatch(/^(unparseable|no_vevent|no_vcalendar|no_calendar_in_email)/);
    // Read off the raw headers, since the mail did not parse: the operator still sees what it was.
    expect(stored).toMatchObject({ subject: 'Invitation: Broken', from: 'ada@acme.example' });
    const reply = await replyTo('ada@acme.example', /Broken/);
    expect(reply.text).toContain('could not use this invite');

    const garbage = Buffer.from('this is not an e-mail at all\r\n\r\n\u0000\u0001 \xff binary\r\n', 'latin1');
    const garbageResponse = await sendSmtp(port, { from: 'ada@acme.example', to: [ASSISTANT] }, garbage);
    const garbageId = /queued as (\S+)/.exec(garbageResponse)?.[1] ?? '';
    expect((await quorum.intake.meetings.message(garbageId))?.raw.equals(garbage)).toBe(true);
  });

  it('closes a message a crash cut off while it was read as failed, saying so, and it can still be run again', async () => {
    const spec: InviteSpec = { uid: 'cut-off-1', start: inMs(2 * DAY), organizer: 'ada@acme.example', link: meetLink('cut-offx-mid'), summary: 'Cut off' };
    const raw = await signMessage(inviteMail(spec, { from: 'ada@acme.example', to: ASSISTANT }), acmeKey);
    // Stored raw, then the process stopped before reading it: it is left `received`.
    const id = await quorum.intake.meetings.saveRaw({ transport: 'smtp', raw, recipients: [ASSISTANT], mailFrom: 'ada@acme.example' });
    // Minutes later a message may still be in the reader's hands: left alone.
    expect(await quorum.intake.inbound.failInterrupted(new Date(Date.now() + 60_000))).not.toContain(id);
    expect((await quorum.intake.meetings.message(id))?.status).toBe('received');
    expect(await quorum.intake.inbound.failInterrupted(new Date(Date.now() + 11 * 60_000))).toContain(id);
    expect(await quorum.intake.meetings.message(id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^interrupted: Quorum stopped while reading/) });
    expect(await sessionsOf('cut-off-1')).toEqual([]);
    expect((await quorum.intake.inbound.reprocess(id))?.status).toBe('processed');
    expect(await sessionsOf('cut-off-1')).toMatchObject([{ state: 'scheduled' }]);
  });

  it('refuses unknown recipients and oversized mail; the retired address is answered with the unique one', async () => {
    await expect(sendSmtp(port, { from: 'ada@acme.example', to: ['nobody@acme.example'] }, 'Subject: x\r\n\r\nx')).rejects.toThrow(/550|no such assistant/);
    await send({ uid: 'retired-1', start: inMs(2 * DAY), organizer: 'ada@acme.example', link: meetLink('ret-ired-aaa'), summary: 'To the retired address' }, { from: 'ada@acme.example', to: RETIRED });
    const reply = await replyTo('ada@acme.example', /retired address/);
    expect(reply.text).toContain('assistant_address_retired');
    expect(reply.text).toContain(ASSISTANT);
    expect(await sessionsOf('retired-1')).toHaveLength(0);
    // Sent to both, the retired one first: the company's own address got it, and it is recorded.
    const both = await signMessage(inviteMail({ uid: 'retired-2', start: inMs(2 * DAY), organizer: 'ada@acme.example', link: meetLink('ret-ired-bbb'), summary: 'To both addresses' }, { from: 'ada@acme.example', to: RETIRED }), acmeKey);
    expect(await sendSmtp(port, { from: 'ada@acme.example', to: [RETIRED, ASSISTANT] }, both)).toMatch(/^250/);
    expect(await until('the session for both addresses', async () => (await sessionsOf('retired-2'))[0], 20_000)).toMatchObject({ provider: 'meet' });
  });

  it('POST /v1/inbound/email takes the same path as SMTP', async () => {
    const start = inMs(4 * DAY);
    const raw = await signMessage(inviteMail({ uid: 'http-1', start, organizer: 'ada@acme.example', link: meetLink('htt-pabc-def'), summary: 'By HTTP' }, { from: 'ada@acme.example', to: ASSISTANT }), acmeKey);
    const post = (body: Buffer, query = '') =>
      fetch(`${quorum.url}/v1/inbound/email${query}`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'message/rfc822' }, body: new Uint8Array(body) });
    const unauthorized = await fetch(`${quorum.url}/v1/inbound/email`, { method: 'POST', headers: { 'content-type': 'message/rfc822' }, body: new Uint8Array(raw) });
    expect(unauthorized.status).toBe(401);
    const response = await post(raw, '?ip=127.0.0.1&mailFrom=ada@acme.example');
    expect(response.status).toBe(200);
    const result = (await response.json()) as InboundResult;
    expect(result.events[0]?.occurrences[0]).toMatchObject({ change: 'new', status: 'planned', provider: 'meet' });
    expect(await sessionsOf('http-1')).toHaveLength(1);
    const again = (await (await post(raw, '?ip=127.0.0.1')).json()) as InboundResult;
    expect(again.events[0]?.result).toBe('duplicate');
    const spoofed = await post(Buffer.from(inviteMail({ uid: 'http-2', start, organizer: 'ada@acme.example', link: meetLink('htt-pabc-xyz') }, { from: 'ada@acme.example', to: ASSISTANT })), '?ip=127.0.0.1');
    expect(spoofed.status).toBe(422);
    expect(JSON.stringify(await spoofed.json())).toContain('sender_not_authenticated');
  });

  it('counts every message by how it ended, the time to its answer and its events by result on /metrics', async () => {
    const text = await (await fetch(`${quorum.url}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } })).text();
    const value = (series: string) => Number(text.split('\n').find((line) => line.startsWith(`${series} `))?.split(' ')[1] ?? 0);
    expect(value('quorum_inbound_messages_total{transport="smtp",status="processed",code="none"}')).toBeGreaterThan(5);
    expect(value('quorum_inbound_messages_total{transport="smtp",status="rejected",code="sender_not_authenticated"}')).toBeGreaterThan(0);
    expect(value('quorum_inbound_messages_total{transport="http",status="rejected",code="sender_not_authenticated"}')).toBe(1);
    expect(value('quorum_inbound_events_total{result="duplicate"}')).toBeGreaterThan(0);
    expect(value('quorum_inbound_events_total{result="ignored_lower_sequence"}')).toBeGreaterThan(0);
    expect(value('quorum_inbound_seconds_count{transport="smtp"}')).toBeGreaterThan(5);
  });

  it('lists what arrived, shows a message with its outcome and raw mail, and runs one again after the settings changed', async () => {
    const api = (path: string, init: RequestInit = {}) => fetch(`${quorum.url}${path}`, { ...init, headers: { authorization: `Bearer ${adminToken}` } });
    type Listed = { messages: Array<{ id: string; status: string; transport: string; mailFrom: string | null; subject: string | null }>; nextCursor?: string };
    const spec: InviteSpec = { uid: 'again-later-1', start: inMs(3 * DAY), organizer: 'carol@partner.example', link: meetLink('lat-erre-run'), summary: 'Run again later' };
    const id = /queued as (\S+)/.exec(await send(spec, { from: 'dave@acme.example', forward: true }))?.[1] ?? '';
    const page = (await (await api('/v1/inbound/messages?limit=2')).json()) as Listed;
    expect(page.messages[0]).toMatchObject({ id, status: 'processed', transport: 'smtp', mailFrom: 'dave@acme.example', from: 'dave@acme.example', subject: 'Fwd: Invitation: Run again later' });
    const next = (await (await api(`/v1/inbound/messages?limit=2&cursor=${encodeURIComponent(page.nextCursor ?? '')}`)).json()) as Listed;
    expect(next.messages).toHaveLength(2);
    expect(next.messages.map((m) => m.id)).not.toContain(id);
    expect(((await (await api('/v1/inbound/messages?status=rejected&limit=500')).json()) as Listed).messages.every((m) => m.status === 'rejected')).toBe(true);
    const shown = (await (await api(`/v1/inbound/messages/${id}`)).json()) as { outcome: { events: Array<{ occurrences: Array<{ decision: { reasons: Array<{ code: string }> } }> }> } };
    expect(shown).not.toHaveProperty('raw');
    expect(shown.outcome.events[0]?.occurrences[0]?.decision.reasons.map((r) => r.code)).toContain('requester_unknown');
    const raw = await api(`/v1/inbound/messages/${id}/raw`);
    expect(raw.headers.get('content-type')).toMatch(/^message\/rfc822/);
    expect(Buffer.from(await raw.arrayBuffer()).toString()).toContain('UID:again-later-1');
    expect(await sessionsOf('again-later-1')).toEqual([]);
    // The operator gives Dave a seat, then runs his message again: it is recorded for him.
    const company = await quorum.companies.get('acme');
    if (!company) throw new Error('no company');
    const users = { ...(company.settings.users as Record<string, unknown>), 'dave@acme.example': { email: 'dave@acme.example', seat: true, permissionProfile: 'admin', recordable: true } };
    await quorum.companies.put({ ...company, settings: { ...company.settings, users } });
    const again = await api(`/v1/inbound/messages/${id}/reprocess`, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(await sessionsOf('again-later-1')).toMatchObject([{ requestedBy: 'dave@acme.example', state: 'scheduled' }]);
    expect((await api('/v1/inbound/messages/no-such-id/reprocess', { method: 'POST' })).status).toBe(404);
    expect((await api('/v1/inbound/messages?limit=0')).status).toBe(400);
  });
});
