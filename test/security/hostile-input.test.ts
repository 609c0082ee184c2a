import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { LinkSources } from '../../src/intake/links.js';
import type { ParsedCalendar } from '../../src/intake/types.js';

const loader = new URL('../intake/ts-loader.mjs', import.meta.url).href;
const execArgv = ['--import', `data:text/javascript,import { register } from 'node:module'; register(${JSON.stringify(loader)});`];
/** Far above what these inputs now take (milliseconds), far below what they took before (minutes, or forever). */
const DEADLINE_MS = 20_000;

/** Parses `input` in a worker; rejects when it is still running at the deadline (the worker is then stopped). */
function timed<T>(input: { calendar: string } | { links: LinkSources }): Promise<{ ms: number; result: T }> {
  const worker = new Worker(new URL('./hostile-input-worker.ts', import.meta.url), { workerData: input, execArgv });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`still running after ${DEADLINE_MS} ms`));
    }, DEADLINE_MS);
    worker.once('message', (answer: { ms: number; result: T }) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(answer);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

const wrap = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'METHOD:REQUEST', ...lines, 'END:VCALENDAR'].join('\r\n');
const vevent = (uid: string, start: string, ...lines: string[]) => [
  'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20240201T000000Z', start, 'DURATION:PT30M', 'SUMMARY:Standup', 'LOCATION:https://meet.google.com/abc-defg-hij', ...lines, 'END:VEVENT',
];
const zone = (rule: string) => [
  'BEGIN:VTIMEZONE', 'TZID:Hostile',
  'BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0000', rule, 'END:STANDARD',
  'BEGIN:DAYLIGHT', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0000', 'TZOFFSETTO:+0100', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'END:DAYLIGHT',
  'END:VTIMEZONE',
];

describe('an invite built to cost the parser its thread', () => {
  it('a recurrence rule no date satisfies ends, truncated, with the series still read', async () => {
    // ical.js looked for a 30 February forever: one such invite hung its parse thread for good.
    const { result } = await timed<ParsedCalendar>({ calendar: wrap(...vevent('impossible', 'DTSTART:20240301T090000Z', 'RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30')) });
    expect(result.events).toHaveLength(1);
    expect(result.events[0]).toMatchObject({ uid: 'impossible', truncated: true });
  });

  it('many series of rules stepping by the second share one budget: the calendar costs about one series', async () => {
    const events = Array.from({ length: 200 }, (_, i) => vevent(`s${i}`, 'DTSTART:20100101T000000Z', 'RRULE:FREQ=SECONDLY;COUNT=1000000000')).flat();
    const { ms, result } = await timed<ParsedCalendar>({ calendar: wrap(...events) });
    expect(result.events).toHaveLength(200);
    // Each series alone may take 50,000 steps; 200 of them took about 40 s. The shared budget is a few seconds at most.
    expect(ms).toBeLessThan(10_000);
  });

  it('a VTIMEZONE whose offset changes by a rule no real zone has is ignored, not expanded', async () => {
    for (const rule of ['RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', 'RRULE:FREQ=SECONDLY']) {
      const { result } = await timed<ParsedCalendar>({ calendar: wrap(...zone(rule), ...vevent('zoned', 'DTSTART;TZID=Hostile:20240305T100000')) });
      expect(result.events[0]?.uid).toBe('zoned');
      expect(result.warnings).toContain('ignored a VTIMEZONE whose offset rules are not yearly');
    }
  });

  it('a real zone rule (yearly, month and weekday) is still used', async () => {
    const standard = 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU';
    const { result } = await timed<ParsedCalendar>({ calendar: wrap(...zone(standard), ...vevent('zoned', 'DTSTART;TZID=Hostile:20240305T100000')) });
    expect(result.warnings).not.toContain('ignored a VTIMEZONE whose offset rules are not yearly');
    // March 5 is before the last Sunday of March: standard time, UTC+0.
    expect(result.events[0]?.start).toBe('2024-03-05T10:00:00.000Z');
  });

  it.each([
    ['closing parentheses after a long link', { description: `https://x.example/${'a'.repeat(200_000)}${')'.repeat(50_000)}` }],
    ['punctuation glued on, then one letter', { description: `https://x.example/${'.,'.repeat(100_000)}a` }],
    ['escaped > glued on, then one letter', { description: `https://x.example/${'&gt'.repeat(100_000)}x` }],
    ['parentheses and full stops alternating', { description: `https://x.example/${').'.repeat(50_000)}` }],
    ['an HTML description that never closes a tag', { descriptionHtml: '<'.repeat(200_000) }],
    ['an opening <script> repeated, never closed', { descriptionHtml: '<script'.repeat(50_000) }],
    ['a plain-text description that looks like HTML and never closes a tag', { description: '<a '.repeat(100_000) }],
  ])('link detection stays linear: %s', async (_name, sources) => {
    const { ms } = await timed<unknown>({ links: { structured: [], ...sources } });
    expect(ms).toBeLessThan(5_000);
  });

  it('still finds the link inside the prose and markup those inputs imitate', async () => {
    const sources = { structured: [], description: 'Join (see https://meet.google.com/abc-defg-hij).', descriptionHtml: '<script>x</script><p>https://zoom.us/j/123456789?pwd=x&gt;</p><style>' };
    const { result } = await timed<Array<{ url: string }>>({ links: sources });
    expect(result.map((link) => link.url)).toEqual(['https://meet.google.com/abc-defg-hij', 'https://zoom.us/j/123456789?pwd=x']);
  });
});
