import { describe, expect, it } from 'vitest';
import { redactDeep } from '../../src/logging/logger.js';

describe('log redaction of meeting passcodes', () => {
  it('censors passcode fields and the passcodes join links carry, and keeps the rest of the link', () => {
    const logged = redactDeep({
      url: 'https://acme.zoom.us/j/85012345678?pwd=Xy12abC.1&uname=Bot',
      teams: 'joining https://teams.microsoft.com/meet/2345678901234?p=kQ9xZ2 now',
      ref: { passcode: '482913', meetingPasscode: 'abc' },
    });
    expect(logged).toEqual({
      url: 'https://acme.zoom.us/j/85012345678?pwd=[redacted]&uname=Bot',
      teams: 'joining https://teams.microsoft.com/meet/2345678901234?p=[redacted] now',
      ref: { passcode: '[redacted]', meetingPasscode: '[redacted]' },
    });
  });

  it('leaves parameters that only end in p alone', () => {
    expect(redactDeep('https://meet.example/x?step=2&app=web')).toBe('https://meet.example/x?step=2&app=web');
  });
});
