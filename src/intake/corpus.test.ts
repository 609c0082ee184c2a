import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseInviteEmail } from './email.js';
import type { ParsedInviteEmail } from './email.js';
import { parseCalendar } from './ical.js';
import { detectLinks } from './links.js';
import { urlMatchers } from './matchers.js';
import type { ParsedCalendar, ParsedEvent } from './types.js';

/** The shared corpus of real invites (SOURCES.md says where each comes from and what it exercises). */
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/invites/', import.meta.url));
const HORIZON_DAYS = 60;

interface Expectation {
  /** The reference "now" for the horizon: just before the first event, so series expand. */
  now: string;
  method: string | undefined;
  events: number;
  /** undefined: not asserted (the long Exchange ids are checked through other fields). */
  uid: string | undefined;
  sequence: number;
  start: string | undefined;
  /** Starts of the first event's occurrences in the window (`*` marks an overridden one). */
  occurrences: string[];
  /** What link detection finds for the first event (plus the e-mail bodies): provider or unsupported name. */
  links: string[];
  timeZone?: string;
  email?: { from: string; requester: string; via: string; forwarded: boolean };
  check?: (calendar: ParsedCalendar) => void;
}

const byUid = (calendar: ParsedCalendar, uid: string): ParsedEvent => {
  const event = calendar.events.find((candidate) => candidate.uid === uid);
  if (!event) throw new Error(`no event ${uid}`);
  return event;
};
const starts = (event: ParsedEvent) => event.occurrences.map((o) => `${o.start}${o.override ? '*' : ''}`);

const EXPECTED: Record<string, Expectation> = {
  'akonadi-calendar__invited_us_daily_cancel_recid01': {
    now: '2013-10-23T00:00:00Z', method: 'CANCEL', events: 1, uid: 'uosj936i6arrtl9c2i5r2mfuvg', sequence: 1,
    start: '2013-10-24T00:00:00.000Z', occurrences: ['2013-10-24T00:00:00.000Z'], links: [],
    check: (c) => {
      // The ORGANIZER line has `;` for `:`; it is repaired, and the lone cancelled instance names its slot.
      expect(c.events[0]?.organizer?.email).toBe('their-email@dev.nul');
      expect(c.events[0]?.recurrenceId).toBe('2013-10-24T00:00:00.000Z');
      expect(c.events[0]?.status).toBe('CANCELLED');
    },
  },
  'allenporter-ical__apple_ical.ics': {
    now: '2022-09-27T15:00:00Z', method: undefined, events: 8, uid: '001BE545-52F9-4099-ACFC-A14FF63C4701', sequence: 1,
    start: '2022-09-27T16:00:00.000Z', occurrences: ['2022-09-27T16:00:00.000Z'], links: [], timeZone: 'America/Los_Angeles',
    check: (c) => {
      // VTIMEZONE comes after the events using it; all-day events carry a stray TZID.
      expect(byUid(c, '020C71BB-A981-4520-83E9-98E488A60863')).toMatchObject({ allDay: true, start: '2023-10-11T00:00:00.000Z' });
      expect(byUid(c, '6D0A3855-9577-40D3-AE87-9624657C7561').occurrences.length).toBeGreaterThan(50);
    },
  },
  'allenporter-ical__office_356_custom_timezone.ics': {
    now: '2024-05-02T08:00:00Z', method: 'PUBLISH', events: 2, uid: undefined, sequence: 46,
    start: '2024-05-02T09:00:00.000Z', occurrences: ['2024-05-02T09:00:00.000Z'], links: [], timeZone: 'Europe/Warsaw',
    check: (c) => {
      const series = c.events[1];
      expect(series?.occurrences.map((o) => o.start)).toEqual(['2024-05-21T13:00:00.000Z', '2024-06-04T13:00:00.000Z', '2024-06-18T13:00:00.000Z']);
    },
  },
  'biweekly__issue115-1.ics': {
    now: '2022-10-29T05:00:00Z', method: 'PUBLISH', events: 1, uid: undefined, sequence: 0,
    start: '2022-10-29T06:00:00.000Z', occurrences: ['2022-10-29T06:00:00.000Z'], links: [], timeZone: 'Europe/Berlin',
    check: (c) => expect(c.events[0]?.descriptionHtml?.length).toBeGreaterThan(30_000),
  },
  'biweekly__outlook-2010.ics': {
    now: '2013-06-10T15:00:00Z', method: 'REQUEST', events: 1, uid: undefined, sequence: 1,
    start: '2013-06-10T16:00:00.000Z', occurrences: ['2013-06-10T16:00:00.000Z'], links: [], timeZone: 'America/New_York',
    check: (c) => expect(c.events[0]?.descriptionHtml).toContain('<'),
  },
  'calcard__047.ics': {
    now: '2020-11-24T09:00:00Z', method: 'REQUEST', events: 1, uid: undefined, sequence: 0,
    start: '2020-11-24T10:00:00.000Z', occurrences: ['2020-11-24T10:00:00.000Z', '2020-11-26T10:00:00.000Z'], links: ['teams'], timeZone: 'Europe/Berlin',
    check: (c) => expect(c.events[0]?.organizer).toBeUndefined(),
  },
  'collective-icalendar__issue_165_missing_event.ics': {
    now: '2015-07-03T07:00:00Z', method: 'REQUEST', events: 1, uid: undefined, sequence: 0,
    start: '2015-07-03T08:00:00.000Z', occurrences: [], links: [],
    check: (c) => {
      // "BYDAY=MO, TU, ..." folded mid-rule: weekdays from Fri 3 July until 22 July inclusive.
      expect(c.events[0]?.occurrences).toHaveLength(14);
      expect(c.events[0]?.occurrences.at(-1)?.start).toBe('2015-07-22T08:00:00.000Z');
    },
  },
  'collective-icalendar__issue_350.ics': {
    now: '2022-02-22T17:30:00Z', method: 'REQUEST', events: 1, uid: '20055546456446', sequence: 0,
    start: '2022-02-22T18:30:00.000Z', occurrences: ['2022-02-22T18:30:00.000Z'], links: [],
    check: (c) => expect(c.events[0]?.descriptionHtml).toContain('Toller'),
  },
  'collective-icalendar__timezone_same_start.ics': {
    now: '2017-02-24T19:00:00Z', method: 'REQUEST', events: 1, uid: undefined, sequence: 0,
    start: '2017-02-24T20:00:00.000Z', occurrences: ['2017-02-24T20:00:00.000Z'], links: [], timeZone: 'America/Los_Angeles',
  },
  'collective-icalendar__x_location.ics': {
    now: '2016-10-28T11:00:00Z', method: 'PUBLISH', events: 1, uid: 'BFE33ADD-5553-48B5-B5A5-F9DA5CA4C393', sequence: 0,
    start: '2016-10-28T12:00:00.000Z', occurrences: [], links: [], timeZone: 'Europe/Zurich',
    check: (c) => {
      // Weekdays at 14:00 Zurich: 12:00Z in summer time, 13:00Z after the 30 October change.
      expect(c.events[0]?.occurrences.slice(0, 2).map((o) => o.start)).toEqual(['2016-10-28T12:00:00.000Z', '2016-10-31T13:00:00.000Z']);
    },
  },
  'comm-central__cancel-repeat-event.eml': {
    now: '2022-03-16T00:00:00Z', method: 'CANCEL', events: 1, uid: '02e79b96', sequence: 1, start: undefined, occurrences: [], links: [],
    email: { from: 'sender@example.com', requester: 'sender@example.com', via: 'organizer', forwarded: false },
    check: (c) => expect(c.events[0]?.status).toBe('CANCELLED'),
  },
  'comm-central__cancel-single-event.eml': {
    now: '2022-03-16T00:00:00Z', method: 'CANCEL', events: 1, uid: '02e79b96', sequence: 1,
    start: '2022-03-16T11:00:00.000Z', occurrences: ['2022-03-16T11:00:00.000Z'], links: [],
    email: { from: 'sender@example.com', requester: 'sender@example.com', via: 'organizer', forwarded: false },
    check: (c) => expect(c.events[0]?.end).toBe('2022-03-16T11:30:00.000Z'),
  },
  'comm-central__event-with-file-attachment.eml': {
    now: '2022-03-16T00:00:00Z', method: 'REQUEST', events: 1, uid: '02e79b96-file', sequence: 0,
    start: '2022-03-16T11:00:00.000Z', occurrences: ['2022-03-16T11:00:00.000Z'], links: [],
    email: { from: 'sender@example.com', requester: 'sender@example.com', via: 'organizer', forwarded: false },
  },
  'comm-central__exception-major.eml': {
    now: '2022-03-16T00:00:00Z', method: 'REQUEST', events: 1, uid: '02e79b96', sequence: 2,
    start: '2022-03-17T05:00:00.000Z', occurrences: ['2022-03-17T05:00:00.000Z'], links: [],
    email: { from: 'sender@example.com', requester: 'sender@example.com', via: 'organizer', forwarded: false },
    check: (c) => expect(c.events[0]?.recurrenceId).toBe('2022-03-17T11:00:00.000Z'),
  },
  'comm-central__invite.eml': {
    now: '2021-10-26T00:00:00Z', method: 'REQUEST', events: 1, uid: '36138BFC6A7B03EFC2258776003DB5C5', sequence: 0,
    start: '2021-10-26T06:00:00.000Z', occurrences: ['2021-10-26T06:00:00.000Z'], links: [], timeZone: 'Europe/Helsinki',
    // No ORGANIZER in the calendar: the sender is the requester.
    email: { from: 'john@example.com', requester: 'john@example.com', via: 'sender', forwarded: false },
  },
  'comm-central__meet-meeting-invite.eml': {
    now: '2021-03-22T00:00:00Z', method: 'REQUEST', events: 1, uid: '65m17hsdolmotv3kvmrtg40ont@google.com', sequence: 0,
    start: '2021-03-22T09:30:00.000Z', occurrences: ['2021-03-22T09:30:00.000Z'], links: ['meet'],
    email: { from: 'example@gmail.com', requester: 'example@gmail.com', via: 'organizer', forwarded: false },
    check: (c) => expect(c.events[0]?.attendees.map((a) => a.email)).toEqual(['example@gmail.com', 'homer@example.com']),
  },
  'comm-central__outlook-test-invite.eml': {
    now: '2021-11-27T00:00:00Z', method: 'REQUEST', events: 1, uid: undefined, sequence: 0,
    start: '2021-11-27T07:00:00.000Z', occurrences: ['2021-11-27T07:00:00.000Z'], links: [], timeZone: 'Europe/Helsinki',
    email: { from: 'marge@example.org', requester: 'marge@example.org', via: 'organizer', forwarded: false },
  },
  'comm-central__repeat-update-major.eml': {
    now: '2022-03-16T00:00:00Z', method: 'REQUEST', events: 1, uid: '02e79b96', sequence: 2,
    start: '2022-03-16T05:00:00.000Z', occurrences: ['2022-03-16T05:00:00.000Z', '2022-03-17T05:00:00.000Z', '2022-03-18T05:00:00.000Z'], links: [],
    email: { from: 'sender@example.com', requester: 'sender@example.com', via: 'organizer', forwarded: false },
  },
  'comm-central__teams-meeting-invite.eml': {
    now: '2020-12-02T00:00:00Z', method: 'REQUEST', events: 1, uid: undefined, sequence: 0,
    start: '2020-12-02T17:00:00.000Z', occurrences: ['2020-12-02T17:00:00.000Z'], links: ['teams', 'teams', 'teams'], timeZone: 'Europe/Helsinki',
    email: { from: 'marge@example.com', requester: 'marge@example.com', via: 'organizer', forwarded: false },
    check: (c) => expect(c.events[0]?.conference[0]).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//),
  },
  'golang-ical__issue52_notworking.ics': {
    now: '2022-03-01T00:00:00Z', method: 'PUBLISH', events: 1, uid: '37dfo8hp5hdsxxxxxxxxxxxxxx@google.com', sequence: 0,
    start: '2022-03-01T17:00:00.000Z', occurrences: ['2022-03-01T17:00:00.000Z'], links: ['meet'],
  },
  'horde-icalendar__bug14132_2.ics': {
    now: '2015-10-09T00:00:00Z', method: 'REQUEST', events: 1, uid: undefined, sequence: 2,
    start: '2015-10-09T07:00:00.000Z', occurrences: ['2015-10-09T07:00:00.000Z'], links: [], timeZone: 'America/New_York',
    check: (c) => expect(c.events[0]).toMatchObject({ attendees: [] }),
  },
  'ical.net__Outlook2007LineFolds.ics': {
    now: '2009-06-20T00:00:00Z', method: 'PUBLISH', events: 1, uid: undefined, sequence: 0,
    start: '2009-06-21T00:00:00.000Z', occurrences: ['2009-06-21T00:00:00.000Z'], links: [],
    check: (c) => expect(c.events[0]).toMatchObject({ allDay: true, end: '2009-06-22T00:00:00.000Z' }),
  },
  'ical4j__apple-iphone-os-26-structured-location.ics': {
    now: '2026-05-22T00:00:00Z', method: undefined, events: 1, uid: 'af64eb20-7d10-4482-8b22-921f7656390a', sequence: 0,
    start: '2026-05-22T08:30:00.000Z', occurrences: ['2026-05-22T08:30:00.000Z'], links: [], timeZone: 'Europe/Vienna',
  },
  'ical4j__calconnect6.ics': {
    now: '2005-04-26T00:00:00Z', method: 'REQUEST', events: 1, uid: '6BA1ECA4D58B306C85256FDB0071B664-Lotus_Notes_Generated', sequence: 1,
    start: '2005-04-26T14:00:00.000Z', occurrences: ['2005-04-26T14:00:00.000Z'], links: [], timeZone: 'America/New_York',
    check: (c) => expect(c.events[0]?.recurrenceId).toBe('2005-04-26T13:00:00.000Z'),
  },
  'ical4j__outlook1.txt': {
    now: '2014-01-31T00:00:00Z', method: 'REQUEST', events: 1, uid: '9177c616-46dc-4755-bab1-5fdfecd31b6b', sequence: 0,
    start: '2014-01-31T21:30:00.000Z', occurrences: ['2014-01-31T21:30:00.000Z'], links: [], timeZone: 'America/Los_Angeles',
    // Uppercase MAILTO: is stripped like lowercase.
    check: (c) => expect(c.events[0]?.organizer?.email).not.toMatch(/mailto/i),
  },
  'ical4j__yahoo1.txt': {
    now: '2014-01-30T00:00:00Z', method: 'REQUEST', events: 1, uid: '19df7f27-3f11-4c04-bf80-9df63e1be04d', sequence: 0,
    // TZID plus a trailing Z: the Z (UTC) wins.
    start: '2014-01-30T14:00:00.000Z', occurrences: ['2014-01-30T14:00:00.000Z'], links: [], timeZone: 'UTC',
    check: (c) => expect(c.events[0]?.organizer?.sentBy).toBeDefined(),
  },
  'icalendar-ruby__tz_store_param_bug.ics': {
    now: '2025-10-08T00:00:00Z', method: 'COUNTER', events: 1, uid: '1sqt3u5rn2fprt7g7u75obcgav@google.com', sequence: 0,
    start: '2025-10-08T17:30:00.000Z', occurrences: ['2025-10-08T17:30:00.000Z'], links: [], timeZone: 'America/Los_Angeles',
  },
  'icalevents__multi_exdate_same_line_ms.ics': {
    now: '2022-03-11T00:00:00Z', method: 'PUBLISH', events: 1, uid: undefined, sequence: 0, start: '2022-03-11T16:00:00.000Z',
    // Three EXDATEs on one folded line remove 18 Mar, 1 Apr, 8 Apr; 13 Mar moves New York to daylight time.
    occurrences: ['2022-03-11T16:00:00.000Z', '2022-03-25T15:00:00.000Z', '2022-04-15T15:00:00.000Z', '2022-04-22T15:00:00.000Z', '2022-04-29T15:00:00.000Z'],
    links: [], timeZone: 'America/New_York',
  },
  'icalevents__recurr_id_dtstart_missmatch.ics': {
    now: '2022-03-09T00:00:00Z', method: 'PUBLISH', events: 1, uid: undefined, sequence: 0, start: '2022-03-09T18:00:00.000Z',
    occurrences: ['2022-03-09T18:00:00.000Z*', '2022-04-13T14:30:00.000Z*'], links: [], timeZone: 'America/New_York',
    check: (c) => expect(c.events[0]?.occurrences.map((o) => o.override?.sequence)).toEqual([8, 12]),
  },
  'icalevents__recurrenceid_ms.ics': {
    now: '2021-02-09T00:00:00Z', method: 'PUBLISH', events: 1, uid: undefined, sequence: 0, start: '2021-02-10T00:00:00.000Z',
    occurrences: [], links: [],
    check: (c) => {
      expect(c.events[0]?.allDay).toBe(true);
      expect(c.events[0]?.occurrences.slice(0, 3).map((o) => o.start)).toEqual(['2021-02-10T00:00:00.000Z', '2021-02-12T00:00:00.000Z', '2021-02-17T00:00:00.000Z']);
    },
  },
  'icalevents__rrule_until_only_date.ics': {
    now: '2021-09-29T00:00:00Z', method: 'PUBLISH', events: 1, uid: '9cntado4fkl7simv3loh94ua1m@google.com', sequence: 3,
    start: '2021-09-29T19:00:00.000Z', occurrences: [], links: [], timeZone: 'America/Boise',
    check: (c) => {
      // UNTIL=20211020 (a DATE) still includes Wednesday 20 October.
      expect(c.events[0]?.occurrences.at(-1)?.start).toBe('2021-10-20T19:00:00.000Z');
      expect(c.events[0]?.occurrences).toHaveLength(9);
    },
  },
  'ics-parser__issue-343.ics': {
    now: '2024-09-23T00:00:00Z', method: 'REQUEST', events: 2, uid: undefined, sequence: 7,
    // Floating DTSTART next to a single VTIMEZONE: read in that zone (10:00 Berlin).
    start: '2024-09-23T08:00:00.000Z', occurrences: ['2024-09-23T08:00:00.000Z', '2024-10-07T08:00:00.000Z'],
    // The Zoom link's digits are redacted to X in this file, so it is no meeting link.
    links: [], timeZone: 'Europe/Berlin',
    check: (c) => {
      expect(c.events[0]?.description).toContain('Join Zoom Meeting');
      expect(c.events[0]?.summary).toBe('Team Meeting');
      expect(c.events[1]).toMatchObject({ uid: 'UniqueIDValueHere', occurrences: [] });
    },
  },
  'james-project__calendar.eml': {
    now: '2017-07-27T00:00:00Z', method: 'REPLY', events: 1, uid: undefined, sequence: 2,
    start: '2017-07-27T13:00:00.000Z', occurrences: ['2017-07-27T13:00:00.000Z'], links: [],
    email: { from: 'fromuser@localhost.com', requester: 'fromuser@localhost.com', via: 'sender', forwarded: false },
  },
  'node-ical__Office-2012-owa.ics': {
    now: '2020-10-28T00:00:00Z', method: 'PUBLISH', events: 4, uid: undefined, sequence: 0,
    // "(GMT+10:00) Canberra, Melbourne, Sydney" with no VTIMEZONE: Sydney, in daylight time (+11) on 28 October.
    start: '2020-10-28T02:30:00.000Z', occurrences: ['2020-10-28T02:30:00.000Z'], links: [], timeZone: 'Australia/Sydney',
    check: (c) => expect(c.events.slice(1, 3).map((e) => e.start)).toEqual(['2020-10-28T17:30:00.000Z', '2020-11-02T18:30:00.000Z']),
  },
  'node-ical__bad_ms_tz.ics': {
    now: '2020-08-25T00:00:00Z', method: 'PUBLISH', events: 1, uid: '1173422081SZR322', sequence: 0,
    start: '2020-08-25T14:35:00.000Z', occurrences: [], links: [], timeZone: 'Customized Time Zone',
    check: (c) => {
      expect(c.events[0]?.summary).toBe('[private]');
      expect(c.events[0]?.occurrences.slice(0, 2).map((o) => o.start)).toEqual(['2020-08-25T14:35:00.000Z', '2020-08-27T14:35:00.000Z']);
    },
  },
  'node-ical__exchange_whole_day_moved_recurrence.ics': {
    now: '2026-02-18T00:00:00Z', method: 'PUBLISH', events: 1, uid: 'exchange-moved-recurrence', sequence: 0, start: '2026-02-19T00:00:00.000Z',
    occurrences: [], links: [],
    check: (c) => {
      // The moved Thursday (RECURRENCE-ID a zoned DATE-TIME against a DATE master) lands on Friday 27 February.
      const first = c.events[0]?.occurrences.slice(0, 4).map((o) => `${o.start}${o.override ? '*' : ''}`);
      expect(first).toEqual(['2026-02-19T00:00:00.000Z', '2026-02-24T00:00:00.000Z', '2026-02-27T00:00:00.000Z*', '2026-03-03T00:00:00.000Z']);
    },
  },
  'node-ical__google-recurrence-order.ics': {
    now: '2026-02-10T00:00:00Z', method: undefined, events: 1, uid: 'aaaaaaaaaa888se1rr0b24sm4p@google.com', sequence: 0,
    start: '2026-02-10T17:00:00.000Z', occurrences: ['2026-02-10T17:00:00.000Z', '2026-02-11T17:30:00.000Z*', '2026-02-12T17:00:00.000Z'],
    links: [], timeZone: 'America/Denver',
  },
  'node-ical__ms_timezones.ics': {
    now: '2020-09-10T00:00:00Z', method: 'PUBLISH', events: 4, uid: undefined, sequence: 0,
    start: '2020-09-10T07:00:00.000Z', occurrences: ['2020-09-10T07:00:00.000Z'], links: [], timeZone: 'Europe/Berlin',
    // DTSTART;TZID="W. Europe Standard Time:20200609T090000": the swallowed value is recovered.
    check: (c) => expect(c.events[1]).toMatchObject({ start: '2020-06-09T07:00:00.000Z', timeZone: 'Europe/Berlin' }),
  },
  'node-ical__tentative-apple-calendar.ics': {
    now: '2022-07-04T00:00:00Z', method: 'PUBLISH', events: 4, uid: '31a1ffc9-9b76-465b-ae4a-cadb694c9d37', sequence: 0,
    start: '2022-07-04T23:00:00.000Z', occurrences: ['2022-07-04T23:00:00.000Z'], links: [],
    check: (c) => expect(c.events.map((e) => e.status)).toEqual(['TENTATIVE', 'CONFIRMED', 'CANCELLED', undefined]),
  },
  'python-recurring-ical-events__issue_151_macos_linux_difference.ics': {
    now: '2014-08-01T00:00:00Z', method: 'PUBLISH', events: 1, uid: 'aogpprh4bolu8ckmop49ca6404@google.com', sequence: 1,
    start: '2014-08-02T02:00:00.000Z', occurrences: ['2014-08-02T01:30:00.000Z*'], links: [], timeZone: 'America/Los_Angeles',
  },
  'python-recurring-ical-events__issue_173_only_modifications_error.ics': {
    now: '2024-01-08T00:00:00Z', method: 'PUBLISH', events: 499, uid: '3dg38kvvnppsu7qamrrpf3g0oe@google.com', sequence: 0,
    start: '2024-01-09T13:00:00.000Z', occurrences: ['2024-01-09T13:00:00.000Z'], links: [],
    check: (c) => {
      const withConference = c.events.filter((e) => e.conference.some((url) => url.includes('meet.google.com')));
      expect(withConference.length).toBeGreaterThan(5);
      expect(c.events.some((e) => e.recurrenceId !== undefined)).toBe(true);
    },
  },
  'python-recurring-ical-events__issue_48_daylight_aware_repeats.ics': {
    now: '2020-09-21T00:00:00Z', method: 'PUBLISH', events: 1, uid: 'EVENT2', sequence: 0, start: '2020-09-21T10:30:00.000Z',
    occurrences: [], links: ['zoom'], timeZone: 'Europe/Lisbon',
    check: (c) => {
      // 11:30 Lisbon every Monday: 10:30Z in summer time, 11:30Z after 25 October.
      const list = c.events[0]?.occurrences.map((o) => o.start) ?? [];
      expect(list).toContain('2020-10-19T10:30:00.000Z');
      expect(list).toContain('2020-10-26T11:30:00.000Z');
    },
  },
  'vobject__vobject_0050.ics': {
    now: '2024-08-12T00:00:00Z', method: 'REQUEST', events: 1, uid: 'appointments@wellsfargo.com', sequence: 0,
    start: '2024-08-12T21:30:00.000Z', occurrences: ['2024-08-12T21:30:00.000Z'], links: [],
    check: (c) => expect(c.events[0]?.end).toBe('2024-08-12T22:30:00.000Z'),
  },
};

function linksOf(event: ParsedEvent | undefined, email?: ParsedInviteEmail): string[] {
  if (!event) return [];
  const description = [event.description, email?.bodyText].filter(Boolean).join('\n');
  const sources = { structured: event.conference, location: event.location, description, descriptionHtml: email?.bodyHtml ?? event.descriptionHtml };
  return detectLinks(sources, urlMatchers).map((link) => link.provider ?? link.unsupportedProvider ?? 'consent');
}

async function parseFile(name: string, now: Date): Promise<{ calendar: ParsedCalendar; email?: ParsedInviteEmail }> {
  const raw = readFileSync(`${CORPUS}${name}`);
  const options = { horizonDays: HORIZON_DAYS, now };
  if (name.endsWith('.eml')) {
    const email = await parseInviteEmail(raw, options);
    if ('error' in email) throw new Error(`${email.error}: ${email.message}`);
    expect(email.calendars).toHaveLength(1);
    const [calendar] = email.calendars;
    if (!calendar) throw new Error('no calendar');
    return { calendar, email };
  }
  const calendar = parseCalendar(raw.toString('utf8'), options);
  if ('error' in calendar) throw new Error(`${calendar.error}: ${calendar.message}`);
  return { calendar };
}

describe('invite corpus', () => {
  it('exists, and every file in it has an expectation', () => {
    expect(existsSync(CORPUS)).toBe(true);
    const files = readdirSync(CORPUS).filter((name) => name !== 'SOURCES.md').sort();
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', async (name, want) => {
    const { calendar, email } = await parseFile(name, new Date(want.now));
    const [first] = calendar.events;
    expect(calendar.method).toBe(want.method);
    expect(calendar.events).toHaveLength(want.events);
    if (want.uid !== undefined) expect(first?.uid).toBe(want.uid);
    expect(first?.sequence).toBe(want.sequence);
    expect(first?.start).toBe(want.start);
    if (want.timeZone) expect(first?.timeZone).toBe(want.timeZone);
    if (want.occurrences.length > 0 && first) expect(starts(first)).toEqual(want.occurrences);
    expect(linksOf(first, email)).toEqual(want.links);
    if (want.email) {
      expect({ from: email?.from?.email, requester: email?.requester?.email, via: email?.requester?.via, forwarded: email?.forwarded }).toEqual(want.email);
    }
    want.check?.(calendar);
  });
});
