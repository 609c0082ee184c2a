import { describe, expect, it } from 'vitest';
import { webMeetingScriptSchema } from '../../test/sim/core/web-script.js';
import { teamsCopy } from '../../test/sim/teams/pages.js';
import { classify } from '../web-client/page-state.js';
import type { PageSnapshot } from '../web-client/page-state.js';
import { teamsUi } from './selectors.js';

const base: PageSnapshot = {
  url: 'https://teams.microsoft.com/meet/1234567890123',
  text: '',
  launcher: -1, nameInput: -1, nameValue: '', emailInput: -1, mediaOn: -1, noMedia: -1, join: -1, joinEnabled: false,
  signInLink: -1, signedIn: false, admissionSignals: 0,
  login: { email: -1, password: -1, submit: -1, staySignedIn: false },
};

/** The view's text as the page snapshot holds it: tags dropped, lower-cased. */
const visibleText = (html: string): string => html.replace(/<[^>]*>/g, '\n').toLowerCase();

describe('teams page classification of a full meeting', () => {
  it.each(['this meeting is full', 'sorry, the meeting has reached its capacity.'])('%s -> meeting_full', (text) => {
    expect(classify(teamsUi, { ...base, text })).toMatchObject({ kind: 'failed', endCode: 'meeting_full' });
  });

  it("reads the simulator's full-meeting view the same way", () => {
    const text = visibleText(teamsCopy(webMeetingScriptSchema.parse({ full: true })).views.full);
    expect(classify(teamsUi, { ...base, text })).toMatchObject({ kind: 'failed', endCode: 'meeting_full' });
  });

  it('lets in-call controls outrank the words (a chat line is not a capacity page)', () => {
    expect(classify(teamsUi, { ...base, text: 'is this meeting is full?', admissionSignals: 3 })).toEqual({ kind: 'admitted' });
  });
});
