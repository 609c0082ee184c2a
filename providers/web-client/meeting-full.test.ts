import { describe, expect, it } from 'vitest';
import { webMeetingScriptSchema } from '../../test/sim/core/web-script.js';
import { teamsCopy } from '../../test/sim/teams/pages.js';
import { webexCopy } from '../../test/sim/webex/pages.js';
import { teamsUi } from '../teams/selectors.js';
import { webexUi } from '../webex/selectors.js';
import { classify } from './page-state.js';
import type { PageSnapshot } from './page-state.js';

const blank: Omit<PageSnapshot, 'url'> = {
  text: '',
  launcher: -1, nameInput: -1, nameValue: '', emailInput: -1, mediaOn: -1, noMedia: -1, join: -1, joinEnabled: false,
  signInLink: -1, signedIn: false, admissionSignals: 0,
  login: { email: -1, password: -1, submit: -1, staySignedIn: false },
  passcode: { input: -1, submit: -1 },
};

/** The view's text as the page snapshot holds it: tags dropped, lower-cased. */
const visibleText = (html: string): string => html.replace(/<[^>]*>/g, '\n').toLowerCase();

const providers = [
  { name: 'teams', ui: teamsUi, copy: teamsCopy, url: 'https://teams.microsoft.com/meet/1234567890123', wordings: ['this meeting is full', 'sorry, the meeting has reached its capacity.'] },
  { name: 'webex', ui: webexUi, copy: webexCopy, url: 'https://acme.webex.com/acme/j.php?MTID=m0123456789abcdef', wordings: ['this meeting is full', 'you cannot join: the meeting has reached the maximum number of participants.'] },
];

describe.each(providers)('$name page classification of a full meeting', ({ ui, copy, url, wordings }) => {
  const base: PageSnapshot = { ...blank, url };

  it.each(wordings)('%s -> meeting_full', (text) => {
    expect(classify(ui, { ...base, text })).toMatchObject({ kind: 'failed', endCode: 'meeting_full' });
  });

  it("reads the simulator's full-meeting view the same way, and a refusal still as a refusal", () => {
    const text = visibleText(copy(webMeetingScriptSchema.parse({ full: true })).views.full);
    expect(classify(ui, { ...base, text })).toMatchObject({ kind: 'failed', endCode: 'meeting_full' });
    expect(classify(ui, { ...base, text: (ui.texts.blocked[0] ?? '').toLowerCase() })).toMatchObject({ endCode: 'blocked_by_platform' });
  });

  it('lets in-call controls outrank the words (a chat line is not a capacity page)', () => {
    expect(classify(ui, { ...base, text: `is ${wordings[0] ?? ''}?`, admissionSignals: 3 })).toEqual({ kind: 'admitted' });
  });
});
