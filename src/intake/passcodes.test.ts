import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectLinks, type LinkSources } from './links.js';
import { urlMatchers } from './matchers.js';

/** Invite bodies as Zoom, Webex and Teams write them (test/fixtures/invite-texts). */
const text = (name: string) => readFileSync(new URL(`../../test/fixtures/invite-texts/${name}`, import.meta.url), 'utf8');
const detect = (sources: Partial<LinkSources>) => detectLinks({ structured: [], ...sources }, urlMatchers);
const passcodes = (sources: Partial<LinkSources>) => detect(sources).map((link) => [link.provider, link.passcode]);

describe('the passcode an invite states next to its link', () => {
  it('Zoom: the web passcode under "Meeting ID:", never the numeric one of the phone, SIP and H.323 sections', () => {
    expect(passcodes({ description: text('zoom-invite.txt') })).toEqual([['zoom', 'k7Fq2z']]);
    // Older invites say "Password:"; the link's own `pwd` stays in the link (the bot prefers it).
    const legacy = detect({ description: text('zoom-password-legacy.txt') });
    expect(legacy).toMatchObject([{ provider: 'zoom', passcode: '314159', url: 'https://acme.zoom.us/j/98765432101?pwd=UmFuZG9tRW5jb2RlZFB3ZA.1' }]);
  });

  it('Zoom: a passcode stated only for phones is none for the bot', () => {
    expect(passcodes({ description: text('zoom-phone-only.txt') })).toEqual([['zoom', undefined]]);
  });

  it('Webex: "Password:" and "Meeting password:" before or after the link, without the phones\' number in parentheses', () => {
    expect(passcodes({ description: text('webex-invite.txt') })).toEqual([['webex', 'gP3mYzXc@42']]);
    expect(passcodes({ description: text('webex-meeting-password.txt') })).toEqual([['webex', 'Qk4m9TzP']]);
  });

  it('Teams: "Passcode:" beside "Meeting ID:" in the plain text and in the HTML body (the link only in an href)', () => {
    expect(passcodes({ description: text('teams-invite.txt') })).toEqual([['teams', '6Ro7Br3x']]);
    expect(passcodes({ descriptionHtml: text('teams-invite.html') })).toEqual([['teams', 'Hq3xWz7Rt2']]);
  });

  it('a link found in a structured field takes the passcode written by the same link in the description', () => {
    const link = 'https://us02web.zoom.us/j/85412345678';
    expect(passcodes({ structured: [link], location: link, description: text('zoom-invite.txt') })).toEqual([['zoom', 'k7Fq2z']]);
    // Google Calendar writes its Zoom add-on's text as HTML inside DESCRIPTION.
    const html = `Join Zoom Meeting<br><a href="${link}">${link}</a><br><br>Meeting ID: 854 1234 5678<br>Passcode: k7Fq2z<br>`;
    expect(passcodes({ structured: [link], description: html })).toEqual([['zoom', 'k7Fq2z']]);
  });

  it('two meetings in one invite: each link its own passcode; none for a link with no label near it', () => {
    const both = `${text('zoom-invite.txt')}\n\nBackup bridge:\n${text('webex-meeting-password.txt')}`;
    expect(passcodes({ description: both })).toEqual([['zoom', 'k7Fq2z'], ['webex', 'Qk4m9TzP']]);
    const far = `Join: https://zoom.us/j/91234567890\n${'Agenda line.\n'.repeat(200)}Wi-Fi password: guest-2027`;
    expect(passcodes({ description: far })).toEqual([['zoom', undefined]]);
  });

  it('a passcode is a token: punctuation after it and labels without a value are left out', () => {
    expect(passcodes({ description: 'https://zoom.us/j/91234567890 (Passcode: 9f8e7d.)' })).toEqual([['zoom', '9f8e7d']]);
    expect(passcodes({ description: 'https://zoom.us/j/91234567890\nPasscode:\n\nAgenda: budget' })).toEqual([['zoom', undefined]]);
    expect(passcodes({ description: 'https://zoom.us/j/91234567890\nPasscode:\n  314159\n' })).toEqual([['zoom', '314159']]);
  });

  it('stays linear on a hostile description: thousands of labels and links', () => {
    const hostile = `${'Passcode: x '.repeat(20_000)}${'https://zoom.us/j/91234567890 '.repeat(5_000)}`;
    const started = performance.now();
    expect(detect({ description: hostile })).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
