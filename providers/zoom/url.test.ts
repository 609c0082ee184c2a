import { describe, expect, it } from 'vitest';
import { matchUrl } from './url.js';

const match = (text: string) => matchUrl(new URL(text));

describe('zoom matchUrl', () => {
  it.each([
    ['https://zoom.us/j/85012345678?pwd=AbC123', '85012345678', 'https://zoom.us/j/85012345678?pwd=AbC123'],
    ['https://us02web.zoom.us/j/123456789', '123456789', 'https://us02web.zoom.us/j/123456789'],
    [
      'https://videoconf-colibri.zoom.us/j/91234567890?pwd=Q2F0.1&from=addon&uname=x',
      '91234567890',
      'https://videoconf-colibri.zoom.us/j/91234567890?pwd=Q2F0.1',
    ],
    ['https://acme.zoom.com/j/1234567890', '1234567890', 'https://acme.zoom.us/j/1234567890'],
    ['https://zoom.com/j/1234567890', '1234567890', 'https://zoom.us/j/1234567890'],
    ['https://agency.zoomgov.com/j/1601234567?pwd=x1', '1601234567', 'https://agency.zoomgov.com/j/1601234567?pwd=x1'],
    ['https://zoom-x.de/j/61234567890', '61234567890', 'https://zoom-x.de/j/61234567890'],
    ['https://zoom.us/s/85012345678?zak=secret', '85012345678', 'https://zoom.us/j/85012345678'],
    ['https://zoom.us/w/85012345678?tk=TOKEN&pwd=p1', '85012345678', 'https://zoom.us/w/85012345678?pwd=p1&tk=TOKEN'],
    ['https://zoom.us/wc/join/85012345678', '85012345678', 'https://zoom.us/j/85012345678'],
    ['https://app.zoom.us/wc/85012345678/join?pwd=abc', '85012345678', 'https://app.zoom.us/j/85012345678?pwd=abc'],
    ['https://zoom.us/wc/85012345678/start', '85012345678', 'https://zoom.us/j/85012345678'],
    ['zoommtg://zoom.us/join?confno=85012345678&pwd=abc', '85012345678', 'https://zoom.us/j/85012345678?pwd=abc'],
    // A sentence-final character glued to the passcode is dropped by the pwd shape, not kept.
    ['https://zoom.us/j/85012345678?pwd=abc123)', '85012345678', 'https://zoom.us/j/85012345678?pwd=abc123'],
  ])('%s', (input, id, url) => {
    expect(match(input)).toEqual({ provider: 'zoom', id, url });
  });

  it('recognizes a personal link as Zoom, and says no bot can use it (no meeting number)', () => {
    expect(match('https://acme.zoom.us/my/Jane.Doe?pwd=abc')).toEqual({
      provider: 'zoom',
      id: 'jane.doe',
      url: 'https://acme.zoom.us/my/jane.doe?pwd=abc',
      unjoinable: expect.stringContaining('carries no meeting number') as unknown,
    });
  });

  it.each([
    'https://zoom.us/pricing',
    'https://zoom.us/',
    'https://zoom.us/j/abc',
    'https://zoom.us/j/1234',
    'https://zoom.us/j/123456789012',
    'https://example.com/j/123456789',
    'https://evilzoom.us/j/123456789',
    'https://zoom.us.evil.com/j/123456789',
    'https://zoom.us/webinar/register/WN_abc',
    'ftp://zoom.us/j/123456789',
    'https://zoom.us/j/123456789/extra',
  ])('rejects %s', (input) => {
    expect(match(input)).toBeUndefined();
  });
});
