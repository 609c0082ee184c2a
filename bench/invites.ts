import type { DkimKey } from '../src/intake/mail-auth.js';
import { signMessage } from '../src/intake/mail-auth.js';

export const benchDomain = 'acme.example';
export const benchAssistant = `assistant@${benchDomain}`;
export const benchRequester = `ada@${benchDomain}`;

/** Google Calendar's New York zone block, as it ships in every invite from a New York calendar. */
const newYork = [
  'BEGIN:VTIMEZONE',
  'TZID:America/New_York',
  'X-LIC-LOCATION:America/New_York',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'TZNAME:EDT',
  'DTSTART:19700308T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'TZNAME:EST',
  'DTSTART:19701101T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

const local = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, '');
const utc = (date: Date) => `${local(date)}Z`;

/** One Google-shaped invite's calendar: a New York meeting with a Meet link, four attendees and the assistant. */
export function benchCalendar(n: number, start: Date): string {
  const letters = Array.from({ length: 4 }, (_, i) => String.fromCharCode(97 + (Math.floor(n / 26 ** i) % 26))).join('');
  const code = `abc-${letters}-xyz`;
  const url = `https://meet.google.com/${code}`;
  const attendees = ['ada', 'grace', 'alan', 'edsger'].map((name) => `ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=${name}@${benchDomain};X-NUM-GUESTS=0:mailto:${name}@${benchDomain}`);
  return [
    'BEGIN:VCALENDAR',
    'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    'METHOD:REQUEST',
    ...newYork,
    'BEGIN:VEVENT',
    `DTSTART;TZID=America/New_York:${local(start)}`,
    `DTEND;TZID=America/New_York:${local(new Date(start.getTime() + 30 * 60_000))}`,
    `DTSTAMP:${utc(new Date())}`,
    `ORGANIZER;CN=${benchRequester}:mailto:${benchRequester}`,
    `UID:bench-${n}-${start.getTime()}@google.com`,
    ...attendees,
    `ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=Assistant;X-NUM-GUESTS=0:mailto:${benchAssistant}`,
    `X-GOOGLE-CONFERENCE:${url}`,
    'CREATED:20261101T120000Z',
    `DESCRIPTION:Weekly planning\\n\\nJoin with Google Meet: ${url}\\nOr dial: (US) +1 555-0100 PIN: 123456#`,
    `LOCATION:`,
    'SEQUENCE:0',
    'STATUS:CONFIRMED',
    `SUMMARY:Planning ${n}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

/** The e-mail Google sends with it: a text part and the calendar part, DKIM-signed by the sender's domain. */
export async function benchMail(calendar: string, n: number, key: DkimKey): Promise<Buffer> {
  const boundary = `bench-boundary-${n}`;
  const raw = [
    `From: Ada <${benchRequester}>`,
    `To: ${benchAssistant}`,
    `Subject: Invitation: Planning ${n}`,
    `Message-ID: <bench-${n}-${Date.now()}@${benchDomain}>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    '',
    `You have been invited to Planning ${n}.`,
    '',
    `--${boundary}`,
    'Content-Type: text/calendar; charset=UTF-8; method=REQUEST',
    'Content-Transfer-Encoding: 7bit',
    '',
    calendar,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return signMessage(raw, key);
}
