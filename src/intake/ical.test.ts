import { describe, expect, it } from 'vitest';
import { parseCalendar } from './ical.js';
import type { ParsedCalendar } from './types.js';
import { resolveZone, wallToUtc } from './zones.js';

const options = { horizonDays: 30, now: new Date('2024-03-01T00:00:00Z') };
const wrap = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'METHOD:REQUEST', ...lines, 'END:VCALENDAR'].join('\r\n');
const event = (...lines: string[]) => wrap('BEGIN:VEVENT', 'UID:u1', 'DTSTAMP:20240201T000000Z', ...lines, 'END:VEVENT');

function parsed(text: string): ParsedCalendar {
  const result = parseCalendar(text, options);
  if ('error' in result) throw new Error(result.message);
  return result;
}

describe('parseCalendar errors are values', () => {
  it.each([
    ['', 'empty'],
    ['hello, this is not a calendar', 'no_vcalendar'],
    [wrap('BEGIN:VTODO', 'UID:t', 'END:VTODO'), 'no_vevent'],
    [wrap('BEGIN:VEVENT', 'UID:x', 'BEGIN:VALARM', 'END:VEVENT'), 'unparseable'],
  ])('%j -> %s', (text, reason) => {
    expect(parseCalendar(text, options)).toMatchObject({ error: reason, message: expect.any(String) });
  });

  it('refuses oversized input', () => {
    expect(parseCalendar(`BEGIN:VCALENDAR\n${'X'.repeat(6 * 1024 * 1024)}`, options)).toMatchObject({ error: 'too_large' });
  });
});

describe('parseCalendar fields', () => {
  it('reads people, class, structured links and the organizer delegate', () => {
    const calendar = parsed(event(
      'DTSTART:20240305T100000Z', 'DURATION:PT45M', 'SEQUENCE:3', 'CLASS:CONFIDENTIAL', 'SUMMARY:Plan',
      'ORGANIZER;CN=Boss;SENT-BY="mailto:Assistant@Acme.com":MAILTO:Boss@Acme.com',
      'ATTENDEE;CN=A;PARTSTAT=accepted:mailto:A@Example.COM', 'ATTENDEE:urn:uuid:room-1',
      'X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij',
      'X-MICROSOFT-ONLINEMEETINGCONFLINK:conf:sip:x@y',
    ));
    expect(calendar.method).toBe('REQUEST');
    expect(calendar.events[0]).toMatchObject({
      uid: 'u1', sequence: 3, private: true, classification: 'CONFIDENTIAL', dtstamp: '2024-02-01T00:00:00.000Z',
      start: '2024-03-05T10:00:00.000Z', end: '2024-03-05T10:45:00.000Z',
      organizer: { email: 'boss@acme.com', name: 'Boss', sentBy: 'assistant@acme.com' },
      attendees: [{ email: 'a@example.com', name: 'A', partstat: 'ACCEPTED' }],
      conference: ['https://meet.google.com/abc-defg-hij'],
      occurrences: [{ start: '2024-03-05T10:00:00.000Z', end: '2024-03-05T10:45:00.000Z' }],
    });
  });

  it('expands a weekly series in wall time across the US DST change, with EXDATE and a moved override', () => {
    const calendar = parsed(wrap(
      'BEGIN:VEVENT', 'UID:s', 'DTSTART;TZID=Eastern Standard Time:20240301T090000', 'DTEND;TZID=Eastern Standard Time:20240301T093000',
      'RRULE:FREQ=WEEKLY;COUNT=5', 'EXDATE;TZID=Eastern Standard Time:20240315T090000', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:s', 'RECURRENCE-ID;TZID=Eastern Standard Time:20240322T090000', 'SEQUENCE:1', 'STATUS:CONFIRMED',
      'DTSTART;TZID=Eastern Standard Time:20240322T140000', 'DTEND;TZID=Eastern Standard Time:20240322T150000', 'END:VEVENT',
    ));
    const [series] = calendar.events;
    expect(series?.timeZone).toBe('America/New_York');
    expect(series?.occurrences).toEqual([
      { start: '2024-03-01T14:00:00.000Z', end: '2024-03-01T14:30:00.000Z', recurrenceId: '2024-03-01T14:00:00.000Z' },
      { start: '2024-03-08T14:00:00.000Z', end: '2024-03-08T14:30:00.000Z', recurrenceId: '2024-03-08T14:00:00.000Z' },
      {
        start: '2024-03-22T18:00:00.000Z', end: '2024-03-22T19:00:00.000Z', recurrenceId: '2024-03-22T13:00:00.000Z',
        override: { sequence: 1, status: 'CONFIRMED', conference: [] },
      },
      { start: '2024-03-29T13:00:00.000Z', end: '2024-03-29T13:30:00.000Z', recurrenceId: '2024-03-29T13:00:00.000Z' },
    ]);
  });

  it('bounds an endless series by the horizon and flags nothing as truncated', () => {
    const calendar = parsed(event('DTSTART:20200101T100000Z', 'DTEND:20200101T101500Z', 'RRULE:FREQ=DAILY'));
    expect(calendar.events[0]?.occurrences).toHaveLength(30);
    expect(calendar.events[0]?.occurrences[0]?.start).toBe('2024-03-01T10:00:00.000Z');
    expect(calendar.events[0]?.truncated).toBe(false);
  });

  it('marks a series cut short by the iteration cap as truncated', () => {
    const calendar = parsed(event('DTSTART:20100101T000000Z', 'RRULE:FREQ=MINUTELY'));
    expect(calendar.events[0]?.truncated).toBe(true);
  });

  it('reads all-day events and floating times', () => {
    const calendar = parsed(wrap(
      'BEGIN:VEVENT', 'UID:a', 'DTSTART;VALUE=DATE:20240310', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:f', 'DTSTART:20240310T100000', 'END:VEVENT',
    ));
    expect(calendar.events[0]).toMatchObject({ allDay: true, start: '2024-03-10T00:00:00.000Z', end: '2024-03-11T00:00:00.000Z' });
    expect(calendar.events[1]).toMatchObject({ floating: true, start: '2024-03-10T10:00:00.000Z' });
  });

  it('keeps raw continuation lines in DESCRIPTION and drops junk outside the calendar', () => {
    const text = `\uFEFF\r\n${event('DTSTART:20240305T100000Z', 'DESCRIPTION:Join:', 'https://zoom.us/j/85012345678', 'Passcode: 1')}\r\nX-COMMENT:trailer`;
    expect(parsed(text).events[0]?.description).toBe('Join:\nhttps://zoom.us/j/85012345678\nPasscode: 1');
  });
});

describe('time zones', () => {
  const none = new Map();
  const wall = (hour: number, minute: number, day: number, month: number) => ({ year: 2024, month, day, hour, minute, second: 0 });

  it('resolves Windows, display and prefixed names', () => {
    expect(resolveZone('Pacific Standard Time', none)).toEqual({ kind: 'iana', name: 'America/Los_Angeles' });
    expect(resolveZone('"FLE"', none)).toEqual({ kind: 'iana', name: 'Europe/Helsinki' });
    expect(resolveZone('(UTC-05:00) Eastern Time (US & Canada)', none)).toEqual({ kind: 'iana', name: 'America/New_York' });
    expect(resolveZone('(UTC+05:30) Somewhere New', none)).toMatchObject({ kind: 'fixed', offsetMs: 5.5 * 3_600_000 });
    expect(resolveZone('/mozilla.org/20050126_1/Europe/Berlin', none)).toEqual({ kind: 'iana', name: 'Europe/Berlin' });
    expect(resolveZone('Nowhere Time', none)).toEqual({ kind: 'floating' });
  });

  it('reads a time in the spring-forward gap with the offset before it, and an ambiguous time as the first', () => {
    const newYork = { kind: 'iana', name: 'America/New_York' } as const;
    // 02:30 on 10 March does not exist: it is 03:30 EDT = 07:30Z.
    expect(new Date(wallToUtc(wall(2, 30, 10, 3), newYork)).toISOString()).toBe('2024-03-10T07:30:00.000Z');
    // 01:30 on 3 November happens twice: the first (EDT) is 05:30Z.
    expect(new Date(wallToUtc(wall(1, 30, 3, 11), newYork)).toISOString()).toBe('2024-11-03T05:30:00.000Z');
    expect(new Date(wallToUtc(wall(3, 0, 3, 11), newYork)).toISOString()).toBe('2024-11-03T08:00:00.000Z');
  });
});
