import { describe, expect, it } from 'vitest';
import { matchUrl } from './url.js';

const THREAD = '19:meeting_NzY4ZjQ0ZDAtYjA1Yy00YjBmLWE1ODctOTYyYzY1ZDQ2Y2Jl@thread.v2';
const CONTEXT = '{"Tid":"72f988bf-86f1-41af-91ab-2d7cd011db47","Oid":"4a1b2c3d-0000-4000-8000-000000000001"}';
const MEETUP = `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(THREAD)}/0?context=${encodeURIComponent(CONTEXT)}`;
const match = (text: string) => matchUrl(new URL(text));

describe('teams matchUrl', () => {
  it('normalizes a meetup-join link and keeps its context', () => {
    const lowerHex = MEETUP.replace(/%3A/g, '%3a').replace(/%40/g, '%40');
    expect(match(lowerHex)).toEqual({ provider: 'teams', id: THREAD, url: MEETUP });
  });

  it.each([
    ['https://teams.microsoft.com/meet/2345678901234?p=AbCdEf', '2345678901234', 'https://teams.microsoft.com/meet/2345678901234?p=AbCdEf'],
    ['https://teams.cloud.microsoft/meet/2345678901234', '2345678901234', 'https://teams.cloud.microsoft/meet/2345678901234'],
  ])('short form %s', (input, id, url) => {
    expect(match(input)).toEqual({ provider: 'teams', id, url });
  });

  it('marks consumer (teams.live.com) meetings as closed to a signed-in bot, and only those', () => {
    expect(match('https://teams.live.com/meet/9876543210123?p=xyz12')).toEqual({
      provider: 'teams',
      id: '9876543210123',
      url: 'https://teams.live.com/meet/9876543210123?p=xyz12',
      signInUnsupported: true,
    });
    const code = Buffer.from(JSON.stringify({ meetingCode: '2345678901234' })).toString('base64');
    expect(match(`https://teams.live.com/light-meetings/launch?coords=${code}`)?.signInUnsupported).toBe(true);
    expect(match('https://teams.microsoft.com/meet/2345678901234?p=AbCdEf')?.signInUnsupported).toBeUndefined();
    expect(match(MEETUP)?.signInUnsupported).toBeUndefined();
  });

  it('unwraps the launcher wrappers', () => {
    const inner = `/_#/l/meetup-join/${encodeURIComponent(THREAD)}/0?context=${encodeURIComponent(CONTEXT)}`;
    const launcher = `https://teams.microsoft.com/dl/launcher/launcher.html?url=${encodeURIComponent(inner)}&type=meetup-join&deeplinkId=1`;
    expect(match(launcher)?.url).toBe(MEETUP);
    const v2 = `https://teams.microsoft.com/v2/?meetingjoin=true#/l/meetup-join/${encodeURIComponent(THREAD)}/0?context=${encodeURIComponent(CONTEXT)}`;
    expect(match(v2)?.url).toBe(MEETUP);
  });

  it('reads light-meetings coords', () => {
    const conversation = { conversationId: THREAD, tenantId: 't-1', organizerId: 'o-1', messageId: '0' };
    const coords = Buffer.from(JSON.stringify(conversation)).toString('base64');
    const ref = match(`https://teams.live.com/light-meetings/launch?agent=web&coords=${encodeURIComponent(coords)}`);
    expect(ref?.id).toBe(THREAD);
    expect(ref?.url).toBe(
      `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(THREAD)}/0?context=${encodeURIComponent('{"Tid":"t-1","Oid":"o-1"}')}`,
    );
    const code = Buffer.from(JSON.stringify({ meetingCode: '2345678901234', passcode: 'pw1' })).toString('base64');
    expect(match(`https://teams.live.com/light-meetings/launch?coords=${code}`)?.url).toBe(
      'https://teams.live.com/meet/2345678901234?p=pw1',
    );
  });

  it('covers government clouds', () => {
    const gcc = MEETUP.replace('teams.microsoft.com', 'gov.teams.microsoft.us');
    expect(match(gcc)).toEqual({ provider: 'teams', id: THREAD, url: gcc });
    expect(match(MEETUP.replace('teams.microsoft.com', 'dod.teams.microsoft.us'))?.id).toBe(THREAD);
  });

  it.each([
    'https://teams.microsoft.com/',
    'https://teams.microsoft.com/l/channel/19%3aabc%40thread.tacv2/General',
    'https://teams.microsoft.com/l/meetup-join/not-a-thread/0',
    'https://teams.microsoft.com/meet/abc?p=1',
    'https://teams.microsoft.com.evil.com/meet/2345678901234',
    'https://example.com/l/meetup-join/19%3ameeting_x%40thread.v2/0',
    'https://teams.microsoft.com/dl/launcher/launcher.html?url=https%3A%2F%2Fevil.com%2F',
    'https://teams.live.com/light-meetings/launch?coords=bm90IGpzb24',
  ])('rejects %s', (input) => {
    expect(match(input)).toBeUndefined();
  });
});
