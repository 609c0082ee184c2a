import { randomUUID } from 'node:crypto';

export interface InviteOptions {
  uid?: string;
  start: Date;
  end: Date;
  summary: string;
  organizer: string;
  attendees: string[];
  /** The conference link, written where Google Calendar writes it (X-GOOGLE-CONFERENCE) and in the description. */
  joinUrl: string;
  from: string;
  to: string;
}

const stamp = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/**
 * A calendar invite e-mail shaped like Google Calendar's (text/plain body plus a text/calendar METHOD:REQUEST
 * part), for `quorum demo` to send through SMTP like any organizer's calendar would.
 */
export function composeInvite(options: InviteOptions): { uid: string; raw: string } {
  const uid = options.uid ?? `${randomUUID()}@quorum.demo`;
  const ics = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Quorum//demo//EN',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'SEQUENCE:0',
    `DTSTAMP:${stamp(new Date())}`,
    `DTSTART:${stamp(options.start)}`,
    `DTEND:${stamp(options.end)}`,
    `SUMMARY:${options.summary}`,
    `ORGANIZER:mailto:${options.organizer}`,
    ...options.attendees.map((attendee) => `ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:${attendee}`),
    `X-GOOGLE-CONFERENCE:${options.joinUrl}`,
    `DESCRIPTION:Join with Google Meet: ${options.joinUrl}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  const boundary = `quorum-${randomUUID()}`;
  const raw = [
    `From: <${options.from}>`,
    `To: <${options.to}>`,
    `Subject: Invitation: ${options.summary}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${randomUUID()}@${options.from.split('@')[1] ?? 'quorum.demo'}>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `You have been invited to ${options.summary}. Join: ${options.joinUrl}`,
    '',
    `--${boundary}`,
    'Content-Type: text/calendar; charset=utf-8; method=REQUEST',
    '',
    ...ics,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { uid, raw };
}
