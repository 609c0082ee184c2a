import { describe, expect, it } from 'vitest';
import { wallToUtc } from './zones.js';
import type { WallTime } from './zones.js';

const MINUTE = 60_000;

function wallIn(zone: string, utcMs: number): WallTime {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(utcMs));
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return { year: field('year'), month: field('month'), day: field('day'), hour: field('hour'), minute: field('minute'), second: field('second') };
}

describe('IANA wall times around the DST changes', () => {
  // New York (an hour), Lord Howe (half an hour), Kathmandu (+05:45, none), Chatham and Auckland (past +12:00).
  const changes: Array<[string, string]> = [
    ['America/New_York', '2027-03-14T07:00:00Z'],
    ['America/New_York', '2027-11-07T06:00:00Z'],
    ['Australia/Lord_Howe', '2027-04-03T15:00:00Z'],
    ['Australia/Lord_Howe', '2027-10-02T15:30:00Z'],
    ['Asia/Kathmandu', '2027-06-01T00:00:00Z'],
    ['Pacific/Chatham', '2027-04-03T14:00:00Z'],
    ['Pacific/Auckland', '2027-04-03T14:00:00Z'],
    ['Pacific/Auckland', '2027-09-25T14:00:00Z'],
  ];

  it.each(changes)('%s near %s: every minute reads back as itself, or as the first of two equal wall times', (zone, at) => {
    const around = Date.parse(at);
    for (let utc = around - 3 * 60 * MINUTE; utc <= around + 3 * 60 * MINUTE; utc += MINUTE) {
      const read = wallToUtc(wallIn(zone, utc), { kind: 'iana', name: zone });
      if (read !== utc) {
        // Fall back: the wall time also existed earlier, and RFC 5545 reads it as that first one.
        expect(read, new Date(utc).toISOString()).toBeLessThan(utc);
        expect(wallIn(zone, read)).toEqual(wallIn(zone, utc));
      }
    }
  });
});
