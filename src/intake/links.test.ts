import { describe, expect, it } from 'vitest';
import { detectLinks } from './links.js';
import { urlMatchers } from './matchers.js';

const ZOOM = 'https://acme.zoom.us/j/85012345678?pwd=AbC123';
const detect = (sources: Parameters<typeof detectLinks>[0], consentBaseUrl?: string) =>
  detectLinks(sources, urlMatchers, consentBaseUrl ? { consentBaseUrls: [consentBaseUrl] } : {});

describe('detectLinks', () => {
  it('keeps source order and dedupes on the normalized link', () => {
    const links = detect({
      structured: ['https://meet.google.com/abc-defg-hij?authuser=0'],
      location: `${ZOOM}&from=addon`,
      description: `Join: ${ZOOM}. Or https://meet.google.com/abc-defg-hij`,
    });
    expect(links.map((l) => [l.source, l.provider, l.url])).toEqual([
      ['structured', 'meet', 'https://meet.google.com/abc-defg-hij'],
      ['location', 'zoom', ZOOM],
    ]);
  });

  it('reads href attributes and text of HTML, decoding entities', () => {
    const html = `<p>Join <a href="https://acme.zoom.us/j/85012345678?pwd=AbC123&amp;uname=x">here</a><br>
      or <b>https://acme.webex.com/meet/jdoe</b></p>`;
    const links = detect({ structured: [], descriptionHtml: html });
    expect(links.map((l) => l.url)).toEqual([ZOOM, 'https://acme.webex.com/meet/jdoe']);
    expect(links.every((l) => l.source === 'description')).toBe(true);
  });

  it('unwraps SafeLinks and Google redirects, nested and percent-encoded', () => {
    const google = `https://www.google.com/url?q=${encodeURIComponent(ZOOM)}&sa=D&ust=1`;
    const safe = `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent(google)}&data=05%7C01`;
    expect(detect({ structured: [], description: safe })[0]?.url).toBe(ZOOM);
    // A gateway that encoded the target twice: the parameter value is itself still `https%3A%2F%2F...`.
    const doubly = encodeURIComponent(encodeURIComponent('https://acme.webex.com/meet/jdoe'));
    const wrapped = `https://nam02.safelinks.protection.outlook.com/?url=${doubly}&reserved=0`;
    expect(detect({ structured: [], description: `see ${wrapped}` })[0]?.url).toBe('https://acme.webex.com/meet/jdoe');
  });

  it('strips trailing punctuation, > and %3E', () => {
    const text = 'Webex <https://acme.webex.com/acme/j.php?MTID=m0123456789abcdef%3E>, (https://acme.webex.com/meet/jdoe).';
    expect(detect({ structured: [], description: text }).map((l) => l.url)).toEqual([
      'https://acme.webex.com/acme/j.php?MTID=m0123456789abcdef',
      'https://acme.webex.com/meet/jdoe',
    ]);
  });

  it('names unsupported providers and ignores other URLs', () => {
    const text = [
      'https://global.gotomeeting.com/join/123456789',
      'https://bluejeans.com/1234567',
      'https://whereby.com/acme-room',
      'https://meet.jit.si/AcmeStandup',
      'https://app.slack.com/huddle/T123/C456',
      'https://v.ringcentral.com/join/123456789',
      'https://example.com/agenda',
      'https://zoom.us/pricing',
    ].join('\n');
    expect(detect({ structured: [], description: text }).map((l) => l.unsupportedProvider)).toEqual([
      'GoTo Meeting', 'BlueJeans', 'Whereby', 'Jitsi', 'Slack huddle', 'RingCentral',
    ]);
  });

  it('recognizes our consent links and other vendors consent pages before provider links', () => {
    const links = detect(
      { structured: [], location: 'https://quorum.acme.com/c/tok_12345678', description: `https://join.gong.io/acme/jane?tkn=abc ${ZOOM}` },
      'https://quorum.acme.com',
    );
    expect(links).toEqual([
      { url: 'https://quorum.acme.com/c/tok_12345678', source: 'location', consentToken: 'tok_12345678' },
      { url: 'https://join.gong.io/acme/jane?tkn=abc', source: 'description', externalConsent: true },
      expect.objectContaining({ provider: 'zoom', source: 'description' }),
    ]);
    expect(detect({ structured: [], location: 'https://evil.example/c/tok_12345678' }, 'https://quorum.acme.com')).toEqual([]);
  });

  it('reads a SafeLinks-wrapped Teams link in HTML', () => {
    const teams = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%22Tid%22%3a%22t%22%7d';
    const html = `<a href="https://nam02.safelinks.protection.outlook.com/?url=${encodeURIComponent(teams)}&amp;data=x">Join</a>`;
    expect(detect({ structured: [], descriptionHtml: html })[0]).toMatchObject({ provider: 'teams', ref: { id: '19:meeting_abc@thread.v2' } });
  });

  it('caps how many links one invite can yield', () => {
    const many = Array.from({ length: 200 }, (_, i) => `https://acme.webex.com/meet/user${i}`).join(' ');
    expect(detectLinks({ structured: [], description: many }, urlMatchers, { maxLinks: 10 })).toHaveLength(10);
  });
});
