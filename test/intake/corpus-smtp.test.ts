import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import { tableResolver } from '../../src/intake/dns.js';
import { startQuorum, type Quorum } from '../../src/main.js';
import { testConfig } from '../helpers/quorum.js';
import { sendSmtp, startSink, type Sink } from './mail.js';

/** The shared corpus of real invites (Google, Outlook/Exchange, Apple, Thunderbird, forwards, updates, cancels). */
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/invites/', import.meta.url));
const ASSISTANT = 'assistant@corpus-co.example';
const files = readdirSync(CORPUS).filter((name) => name !== 'SOURCES.md').sort();

function fromOf(raw: Buffer): string {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/)[0] ?? '';
  return /^from:.*?([^\s<>"]+@[^\s<>"]+)/im.exec(head)?.[1]?.toLowerCase() ?? 'organizer@corpus.example';
}

/** A bare .ics becomes what a calendar would send: an e-mail with the calendar as a text/calendar part. */
function asMail(name: string, raw: Buffer): Buffer {
  if (name.endsWith('.eml') || !/BEGIN:VCALENDAR/i.test(raw.toString('utf8'))) return raw;
  const body = raw.toString('utf8').replace(/\r?\n/g, '\r\n');
  const head = ['From: <organizer@corpus.example>', `To: <${ASSISTANT}>`, `Subject: Invitation: ${name}`, 'MIME-Version: 1.0', 'Content-Type: text/calendar; charset=utf-8', 'Content-Transfer-Encoding: 8bit'];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`);
}

const mails = new Map(files.map((name) => [name, asMail(name, readFileSync(`${CORPUS}${name}`))]));
// Every sending domain publishes SPF for loopback, so the corpus mail (unsigned) authenticates by aligned SPF.
const senderDomains = new Set([...mails.values()].map((raw) => fromOf(raw).split('@')[1] ?? ''));
const spf = Object.fromEntries([...senderDomains].map((domain) => [domain, ['v=spf1 ip4:127.0.0.1 -all']]));

let quorum: Quorum;
let sink: Sink;

beforeAll(async () => {
  sink = await startSink();
  quorum = await startQuorum(testConfig({ QUORUM_SMTP_RELAY_URL: sink.url }), { dnsResolver: tableResolver({ txt: spf }) });
  await quorum.companies.put({ id: 'corpus', name: 'Corpus Co', assistantAddress: ASSISTANT, settings: defaultCompanySettings({ id: 'corpus', adminEmail: 'sender@example.com' }) });
});

afterAll(async () => {
  await quorum?.close();
  await sink?.close();
});

describe('the shared invite corpus through SMTP', () => {
  it.each(files)('%s: a stored meeting or a clear rejection', async (name) => {
    const raw = mails.get(name) ?? Buffer.alloc(0);
    const from = fromOf(raw);
    const response = await sendSmtp(quorum.intake.smtp?.port ?? 0, { from, to: [ASSISTANT] }, raw);
    const id = /queued as (\S+)/.exec(response)?.[1] ?? '';
    const message = await quorum.intake.meetings.message(id);
    expect(message?.bytes).toBeGreaterThan(0);
    expect(message?.status, `${name}: ${message?.error ?? ''}`).not.toBe('failed');
    if (message?.status === 'rejected') {
      // Unreadable, no invite in it, or a sender that failed authentication: each says so.
      expect(message.error ?? JSON.stringify(message.outcome)).toMatch(/^[a-z_]+: .+|sender_not_authenticated/);
      return;
    }
    const outcome = message?.outcome as { events: Array<{ uid: string; recurrenceId?: string; result: string }> };
    expect(outcome.events.length).toBeGreaterThan(0);
    for (const event of outcome.events) {
      if (event.result !== 'applied' && event.result !== 'cancelled') continue;
      expect(await quorum.intake.meetings.meeting('corpus', event.uid, event.recurrenceId ?? ''), `${name}: ${event.uid}`).toBeDefined();
    }
  });

  it('the corpus yields meetings, their decisions (past meetings: meeting_over) and replies', async () => {
    const meetings = await quorum.intake.meetings.meetings('corpus');
    expect(meetings.length).toBeGreaterThan(25);
    const processed = (await quorum.intake.meetings.messages(1000)).filter((m) => m.status === 'processed');
    expect(processed.length).toBeGreaterThan(30);
    expect(sink.mails.some((mail) => mail.text?.includes('meeting_over'))).toBe(true);
  });
});
