import { describe, expect, it } from 'vitest';
import { classify } from './page-state.js';
import type { PageSnapshot } from './page-state.js';

const base: PageSnapshot = {
  url: 'https://meet.google.com/abc-defg-hij',
  text: '',
  headings: [],
  buttons: [],
  labels: [],
  nameInput: undefined,
  nameValue: '',
  admissionSignals: 0,
};

describe('meet page classification of a full call', () => {
  it.each([
    'this video call is full',
    'the call is full',
    // Meet may title the page like a refusal; the capacity line decides.
    'you can\u2019t join this video call\nthis video call is full. try again later or contact the call organizer.',
  ])('%s -> meeting_full', (text) => {
    expect(classify({ ...base, text, buttons: [{ name: 'Return to home screen', enabled: true }] })).toMatchObject({
      kind: 'failed',
      endCode: 'meeting_full',
    });
  });

  it('keeps a plain refusal blocked_by_platform', () => {
    expect(classify({ ...base, text: "you can't join this video call" })).toMatchObject({ endCode: 'blocked_by_platform' });
  });

  it('does not read the words in a call the bot is already in (a chat line) as a full call', () => {
    expect(classify({ ...base, text: 'ada: the call is full of people today', admissionSignals: 2 })).toEqual({ kind: 'admitted' });
  });
});
