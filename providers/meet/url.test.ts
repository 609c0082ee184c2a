import { describe, expect, it } from 'vitest';
import { matchUrl } from './url.js';

const match = (text: string) => matchUrl(new URL(text));

describe('meet matchUrl', () => {
  it.each([
    ['https://meet.google.com/abc-defg-hij', 'abc-defg-hij', 'https://meet.google.com/abc-defg-hij'],
    ['https://meet.google.com/abc-defg-hij/', 'abc-defg-hij', 'https://meet.google.com/abc-defg-hij'],
    ['https://meet.google.com/abc-defg-hij?authuser=1', 'abc-defg-hij', 'https://meet.google.com/abc-defg-hij'],
    ['https://meet.google.com/abc-defg-hij?hs=122&pli=1&authuser=0', 'abc-defg-hij', 'https://meet.google.com/abc-defg-hij'],
    ['https://meet.google.com/abc-defg-hij#x', 'abc-defg-hij', 'https://meet.google.com/abc-defg-hij'],
    ['https://meet.google.com/_meet/abc-defg-hij?hs=187', 'abc-defg-hij', 'https://meet.google.com/abc-defg-hij'],
    ['http://meet.google.com/abc-defg-hij', 'abc-defg-hij', 'https://meet.google.com/abc-defg-hij'],
    ['https://MEET.GOOGLE.COM/ABC-DEFG-HIJ', 'abc-defg-hij', 'https://meet.google.com/abc-defg-hij'],
    ['https://meet.google.com/lookup/team-standup', 'team-standup', 'https://meet.google.com/lookup/team-standup'],
    ['https://meet.google.com/lookup/abc123?authuser=0', 'abc123', 'https://meet.google.com/lookup/abc123?authuser=0'],
    ['https://g.co/meet/weekly_sync', 'weekly_sync', 'https://g.co/meet/weekly_sync'],
    ['http://g.co/meet/weekly', 'weekly', 'https://g.co/meet/weekly'],
  ])('%s', (input, id, url) => {
    expect(match(input)).toEqual({ provider: 'meet', id, url });
  });

  it.each([
    'https://meet.google.com/',
    'https://meet.google.com/landing',
    'https://meet.google.com/new',
    'https://meet.google.com/abc-defg-hi',
    'https://meet.google.com/abcd-efg-hij',
    'https://meet.google.com/abc-def1-hij',
    'https://meet.google.com/abcdefghij',
    'https://meet.google.com/abc-defg-hij/extra',
    'https://meet.google.com/lookup/',
    'https://meet.google.com.evil.example/abc-defg-hij',
    'https://evil.example/meet.google.com/abc-defg-hij',
    'https://www.meet.google.com/abc-defg-hij',
    'https://meet.google.com:8443/abc-defg-hij',
    'https://g.co/abc-defg-hij',
    'https://g.co/meet/',
    'https://zoom.us/j/85012345678',
    'ftp://meet.google.com/abc-defg-hij',
  ])('rejects %s', (input) => {
    expect(match(input)).toBeUndefined();
  });
});
