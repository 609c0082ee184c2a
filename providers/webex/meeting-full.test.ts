import { describe, expect, it } from 'vitest';
import { webMeetingScriptSchema } from '../../test/sim/core/web-script.js';
import { webexCopy } from '../../test/sim/webex/pages.js';
import { classify } from '../web-client/page-state.js';
import type { PageSnapshot } from '../web-client/page-state.js';
import { webexUi } from './selectors.js';

const base: PageSnapshot = {
  url: 'https://acme.webex.com/acme/j.php?MTID=m0123456789abcdef',
  text: '',
  launcher: -1, nameInput: -1, nameValue: '', emailInput: -1, mediaOn: -1, noMedia: -1, join: -1, joinEnabled: false,
  signInLink: -1, signedIn: false, admissionSignals: 0,
  login: { email: -1, password: -1, submit: -1, staySignedIn: false },
};

/** The view's text as the page snapshot holds it: tags dropped, lower-cased. */
const visibleText = (html: string): string => html.replace(/<[^>]*>/g, '\n').toLowerCase();

describe('webex page classification of a full meeting', () => {
  it.each(['this meeting is full', 'you cannot join: the meeting has reached the maximum number of participants.'])('%s -> meeting_full', (text) => {
    expect(classify(webexUi, { ...base, text })).toMatchObject({ kind: 'failed', endCode: 'meeting_full' });
  });

  it("reads the simulator's full-meeting view the same way, not as a refusal", () => {
    const text = visibleText(webexCopy(webMeetingScriptSchema.parse({ full: true })).views.full);
    expect(classify(webexUi, { ...base, text })).toMatchObject({ kind: 'failed', endCode: 'meeting_full' });
    expect(classify(webexUi, { ...base, text: "you can't join this meeting" })).toMatchObject({ endCode: 'blocked_by_platform' });
  });
});
