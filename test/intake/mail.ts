import type { Kysely } from 'kysely';
import pino from 'pino';
import { CompanyStore } from '../../src/companies/company-store.js';
import { InboundMail, type InboundDeps } from '../../src/intake/inbound.js';
import { eligibilityPlanner } from '../../src/intake/planner.js';
import type { Database } from '../../src/store/schema.js';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';

/** A local SMTP sink standing in for the relay: every reply Quorum sends lands in `mails`. */
export interface Sink {
  url: string;
  mails: ParsedMail[];
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Sends a raw message to Quorum's SMTP server as a mail server would; resolves with the final response. */
export async function sendSmtp(port: number, envelope: { from: string; to: string[] }, raw: Buffer | string, options: { requireTLS?: boolean } = {}): Promise<string> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: !options.requireTLS,
    ...(options.requireTLS ? { requireTLS: true } : {}),
    tls: { rejectUnauthorized: false },
    name: 'mx.test.example',
  });
  try {
    const info = await transport.sendMail({ envelope, raw });
    return info.response;
  } finally {
    transport.close();
  }
}

export interface InviteSpec {
  uid: string;
  sequence?: number;
  dtstamp?: Date;
  method?: 'REQUEST' | 'CANCEL' | 'PUBLISH';
  start: Date;
  minutes?: number;
  summary?: string;
  organizer: string;
  attendees?: string[];
  /** Put into X-GOOGLE-CONFERENCE (structured) and the description. */
  link?: string;
  rrule?: string;
  exdates?: Date[];
  /** RECURRENCE-ID overrides in the same calendar: slot → new start. */
  overrides?: Array<{ slot: Date; start: Date }>;
  /** Makes the VEVENT itself an override of one slot (a single-occurrence update or cancel). */
  recurrenceId?: Date;
  status?: string;
}

const stamp = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function vevent(spec: InviteSpec, start: Date, recurrenceId?: Date): string[] {
  const end = new Date(start.getTime() + (spec.minutes ?? 30) * 60_000);
  return [
    'BEGIN:VEVENT',
    `UID:${spec.uid}`,
    `SEQUENCE:${spec.sequence ?? 0}`,
    `DTSTAMP:${stamp(spec.dtstamp ?? new Date())}`,
    `DTSTART:${stamp(start)}`,
    `DTEND:${stamp(end)}`,
    ...(recurrenceId ? [`RECURRENCE-ID:${stamp(recurrenceId)}`] : []),
    `SUMMARY:${spec.summary ?? 'Quarterly review'}`,
    `ORGANIZER;CN=Organizer:mailto:${spec.organizer}`,
    ...(spec.attendees ?? []).map((attendee) => `ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:${attendee}`),
    ...(spec.link ? [`X-GOOGLE-CONFERENCE:${spec.link}`, `DESCRIPTION:Join: ${spec.link}`] : []),
    ...(spec.status ? [`STATUS:${spec.status}`] : []),
    'END:VEVENT',
  ];
}

export function calendar(spec: InviteSpec): string {
  const master = vevent(spec, spec.start, spec.recurrenceId);
  if (spec.rrule) master.splice(master.length - 1, 0, `RRULE:${spec.rrule}`, ...(spec.exdates ?? []).map((date) => `EXDATE:${stamp(date)}`));
  const overrides = (spec.overrides ?? []).flatMap((o) => vevent(spec, o.start, o.slot));
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Quorum tests//EN', `METHOD:${spec.method ?? 'REQUEST'}`, ...master, ...overrides, 'END:VCALENDAR'];
  return `${lines.join('\r\n')}\r\n`;
}

let counter = 0;

/** An invite e-mail: the calendar as a text/calendar part, optionally as an inline "Fwd:" from someone else. */
export function inviteMail(spec: InviteSpec, mail: { from: string; to: string; forward?: boolean; subject?: string }): string {
  counter += 1;
  const method = spec.method ?? 'REQUEST';
  const subject = mail.subject ?? `${mail.forward ? 'Fwd: ' : ''}${method === 'CANCEL' ? 'Cancelled' : 'Invitation'}: ${spec.summary ?? 'Quarterly review'}`;
  const boundary = `b${counter}x`;
  return [
    `From: <${mail.from}>`,
    `To: <${mail.to}>`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <test-${counter}-${Date.now()}@test.example>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    mail.forward ? '---------- Forwarded message ---------' : 'You are invited.',
    '',
    `--${boundary}`,
    `Content-Type: text/calendar; charset=utf-8; method=${method}`,
    '',
    calendar(spec).trimEnd(),
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/**
 * Intake on a store without the rest of Quorum, for tests that run two receivers on one store or set the clock:
 * the eligibility check with the store's companies, DNS from `resolver`, no replies unless given a replier.
 */
export function storeInbound(db: Kysely<Database>, deps: Pick<InboundDeps, 'store' | 'sessions' | 'scheduler' | 'resolver'> & Partial<InboundDeps>): InboundMail {
  const companies = new CompanyStore(db);
  return new InboundMail({
    planner: eligibilityPlanner({ companies, retiredAssistantAddresses: [] }),
    companies,
    retiredAssistantAddresses: [],
    leadSeconds: 60,
    horizonDays: 30,
    maxBytes: 10 * 1024 * 1024,
    mailFrom: 'quorum@localhost',
    log: pino({ level: 'silent' }),
    ...deps,
  });
}
