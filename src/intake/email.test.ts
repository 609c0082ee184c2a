import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseInviteEmail } from './email.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/invites/', import.meta.url));
const options = { horizonDays: 30, now: new Date('2022-03-15T00:00:00Z') };
const invite = readFileSync(`${CORPUS}comm-central__repeat-update-major.eml`, 'latin1').replace(/\r?\n/g, '\r\n');
const calendarText = /BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/.exec(invite)?.[0] ?? '';

function message(headers: string[], parts: string[]): Buffer {
  const body = parts.map((part) => `--BB\r\n${part}\r\n`).join('');
  return Buffer.from([...headers, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="BB"', '', `${body}--BB--`, ''].join('\r\n'), 'latin1');
}

describe('parseInviteEmail', () => {
  it('finds the calendar inside an invite forwarded as an attachment; the forwarder is the requester', async () => {
    const raw = message(
      ['From: Alice <Alice@Acme.com>', 'To: assistant@acme.com', 'Cc: bob@acme.com', 'Subject: please record'],
      ['Content-Type: text/plain\r\n\r\nCan you record this?', `Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename="invite.eml"\r\n\r\n${invite}`],
    );
    const result = await parseInviteEmail(raw, options);
    expect(result).toMatchObject({
      from: { email: 'alice@acme.com', name: 'Alice' },
      to: [{ email: 'assistant@acme.com' }],
      cc: [{ email: 'bob@acme.com' }],
      forwarded: true,
      requester: { email: 'alice@acme.com', via: 'forward' },
      calendarErrors: [],
    });
    if ('error' in result) throw new Error(result.message);
    expect(result.calendars[0]?.events[0]).toMatchObject({ uid: '02e79b96', sequence: 2 });
    expect(result.bodyText).toContain('Can you record this?');
  });

  it('treats an inline forward (Fwd: subject, .ics re-attached) as a forward', async () => {
    const raw = message(
      ['From: carol@acme.com', 'To: assistant@acme.com', 'Subject: Fwd: Invitation: Repeat Event'],
      [
        'Content-Type: text/plain\r\n\r\n---------- Forwarded message ---------\r\nFrom: Sender <sender@example.com>',
        `Content-Type: application/octet-stream; name="invite.ics"\r\nContent-Disposition: attachment; filename="invite.ics"\r\n\r\n${calendarText}`,
      ],
    );
    expect(await parseInviteEmail(raw, options)).toMatchObject({ forwarded: true, requester: { email: 'carol@acme.com', via: 'forward' } });
  });

  it('a direct invite from the organizer names the organizer', async () => {
    expect(await parseInviteEmail(Buffer.from(invite, 'latin1'), options)).toMatchObject({
      forwarded: false,
      requester: { email: 'sender@example.com', via: 'organizer' },
    });
  });

  it('names the sender, never the SENT-BY it wrote, when the organizer sends the invite', async () => {
    const delegated = calendarText.replace(/ORGANIZER[^\r\n]*(?:\r\n[ \t][^\r\n]*)*/, 'ORGANIZER;SENT-BY="mailto:boss@example.com":mailto:sender@example.com');
    expect(delegated).toContain('SENT-BY');
    const raw = message(['From: sender@example.com', 'To: assistant@acme.com', 'Subject: Invitation'], [`Content-Type: text/calendar; method=REQUEST\r\n\r\n${delegated}`]);
    expect(await parseInviteEmail(raw, options)).toMatchObject({ forwarded: false, requester: { email: 'sender@example.com', via: 'organizer' } });
    // The delegate sending for the organizer asks for it themself.
    const byDelegate = message(['From: boss@example.com', 'To: assistant@acme.com', 'Subject: Invitation'], [`Content-Type: text/calendar; method=REQUEST\r\n\r\n${delegated}`]);
    expect(await parseInviteEmail(byDelegate, options)).toMatchObject({ forwarded: false, requester: { email: 'boss@example.com', via: 'organizer' } });
  });

  it('returns reasons, not throws, for mail without a usable calendar', async () => {
    const plain = Buffer.from('From: a@b.c\r\nSubject: hi\r\n\r\nno calendar here\r\n');
    expect(await parseInviteEmail(plain, options)).toMatchObject({ error: 'no_calendar_in_email' });
    expect(await parseInviteEmail(Buffer.alloc(0), options)).toMatchObject({ error: 'empty' });
    expect(await parseInviteEmail(plain, { ...options, maxBytes: 10 })).toMatchObject({ error: 'too_large' });
    const todoOnly = message(['From: a@b.c'], ['Content-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\nEND:VCALENDAR']);
    expect(await parseInviteEmail(todoOnly, options)).toMatchObject({ error: 'no_vevent' });
  });
});
