import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { secondStepAccounts } from '../../test/sim/core/accounts.js';
import { simAccounts } from '../../test/sim/index.js';
import type { TeamsEventScript } from '../../test/sim/teams/script.js';
import { watchWebClient } from '../web-client/in-meeting.js';
import { teamsAdapter } from './index.js';
import { classify } from '../web-client/page-state.js';
import type { PageSnapshot } from '../web-client/page-state.js';
import { teamsUi } from './selectors.js';
import { adapterFixture, endCodeOf, failureOf, memoryStateStore, type AttemptOptions } from '../web-client/test-support.js';

const fx = adapterFixture(teamsAdapter, 'teams');
const account = { email: simAccounts.teams.email, password: simAccounts.teams.password };

describe('teams join against the simulator', () => {
  it('joins anonymously: launcher, name, no-media prompt, camera and mic off, lobby, then admission', async () => {
    const a = await fx.attempt({ lobby: { outcome: 'hold', afterMs: 0 }, participants: [{ name: 'Ana', speaks: false }] });
    await vi.waitFor(() => expect(a.phases).toEqual(['waiting_room']), { timeout: 10_000, interval: 50 });
    // The lobby renders the hang-up button and a mic toggle: neither is taken for admission.
    expect(await a.ctx.page.locator('#hangup-button').isVisible()).toBe(true);
    await a.ctx.page.waitForTimeout(1_200);
    expect(a.settled()).toBe(false);
    fx.sim().act(a.id, { type: 'admit' });
    const meeting = await a.joined;
    expect(fx.sim().getMeeting(a.id)?.bot?.name).toBe('Quorum Notetaker');
    expect(fx.events(a.id)).not.toContain('bot_signed_in');
    await vi.waitFor(async () => expect(await meeting.participantCount()).toBe(1), { timeout: 5_000, interval: 100 });
  });

  it('waits in the 2026 approval lobby for detected bots until the organizer approves', async () => {
    const a = await fx.attempt({ lobbyKind: 'bot_approval', lobby: { outcome: 'admit', afterMs: 1_500 } });
    await a.joined;
    expect(a.phases).toEqual(['waiting_room']);
  });

  it.each([
    [{ lobby: { outcome: 'deny', afterMs: 500 } }, 'admission_denied'],
    [{ lobby: { outcome: 'no_response', afterMs: 500 } }, 'waiting_room_timeout'],
    [{ access: 'blocked' }, 'blocked_by_platform'],
    [{ gate: 'captcha' }, 'blocked_by_captcha'],
    [{ gate: 'sign_in_required' }, 'sign_in_required'],
  ] as const)('%j ends %s', async (script, endCode) => {
    const a = await fx.attempt(structuredClone(script));
    expect(await endCodeOf(a.joined)).toBe(endCode);
  });

  it('maps an unknown meeting to meeting_not_found', async () => {
    const a = await fx.attempt({}, {}, 'https://teams.microsoft.com/meet/1234567890123?p=nope');
    expect(await endCodeOf(a.joined)).toBe('meeting_not_found');
  });

  it('signs in past a CAPTCHA, keeps the sign-in, and reuses it without the password next time', async () => {
    const state = memoryStateStore();
    const first = await fx.attempt({ gate: 'captcha', access: 'open' }, { authenticated: true, account: { ...account, signedInState: state } });
    await first.joined;
    expect(fx.sim().getMeeting(first.id)?.bot?.name).toBe(simAccounts.teams.displayName);
    expect(fx.sim().signIns('teams', account.email)).toBe(1);
    expect(state.value).toContain('sim_teams_auth');

    const second = await fx.attempt({ gate: 'sign_in_required', access: 'open' }, { authenticated: true, account: { ...account, signedInState: state } });
    await second.joined;
    expect(fx.events(second.id)).toContain('bot_signed_in');
    expect(fx.sim().signIns('teams', account.email)).toBe(1);

    // An expired sign-in session is refreshed with the password.
    fx.sim().revokeSignIns();
    const third = await fx.attempt({ access: 'open' }, { authenticated: true, account: { ...account, signedInState: state } });
    await third.joined;
    expect(fx.sim().signIns('teams', account.email)).toBe(2);
  });

  it('ends sign_in_failed on a wrong password and credentials_missing without an account', async () => {
    const wrong = await fx.attempt({ access: 'open' }, { authenticated: true, account: { ...account, password: 'wrong' } });
    expect(await endCodeOf(wrong.joined)).toBe('sign_in_failed');
    const missing = await fx.attempt({ access: 'open' }, { authenticated: true });
    expect(await endCodeOf(missing.joined)).toBe('credentials_missing');
  });

  it('resolves kicked on removal and meeting_ended on the end', async () => {
    const kicked = await fx.attempt({ access: 'open', removeBotAfterMs: 1_500 });
    expect(await (await kicked.joined).ended).toBe('kicked');
    const ended = await fx.attempt({ access: 'open', endAfterMs: 1_500 });
    expect(await (await ended.joined).ended).toBe('meeting_ended');
  });

  it('arrives before an event opens to external participants: waits, opens the link again, joins once it opens', async () => {
    const script: TeamsEventScript = { eventOpensAfterMs: 4_000, access: 'open' };
    const a = await fx.attempt(script);
    await a.joined;
    expect(a.phases).toEqual(['waiting_room']);
    // The page never changes by itself: the bot opened the meeting link more than once.
    expect(fx.events(a.id).filter((e) => e === 'bot_opened').length).toBeGreaterThan(1);
    expect(fx.events(a.id)).toContain('admitted');
  });

  it('ends meeting_not_started when the event does not open within the waiting-room timeout', async () => {
    const script: TeamsEventScript = { eventOpensAfterMs: 600_000, access: 'open' };
    const a = await fx.attempt(script, { waitingRoomTimeoutMs: 3_000 });
    expect(await endCodeOf(a.joined)).toBe('meeting_not_started');
    expect(a.phases).toEqual(['waiting_room']);
    expect(fx.events(a.id)).not.toContain('join_requested');
  });

  it('opens the People panel to read the roster, opens it again once closed, and counts without it', async () => {
    const a = await fx.attempt({ access: 'open', participants: [{ name: 'Ana', speaks: false }, { name: 'Otter.ai', speaks: false }] });
    const meeting = await a.joined;
    const page = a.ctx.page;
    const rosterItems = page.locator(teamsUi.rosterItems);
    // The simulator renders the roster only in the opened panel, as Teams does; the bot opens it.
    await vi.waitFor(async () => expect(await meeting.participantNames?.()).toEqual(['Ana', 'Otter.ai']), { timeout: 10_000, interval: 200 });
    await page.locator('#roster-button').click();
    await vi.waitFor(async () => expect(await rosterItems.count()).toBe(0), { timeout: 5_000, interval: 100 });
    // A bot that cannot open the panel reads no names but still counts from the People button.
    const blind = watchWebClient(page, pino({ level: 'silent' }), { ...teamsUi, peopleButtons: [] }, 'Quorum Notetaker');
    expect(await blind.participantNames?.()).toBeUndefined();
    expect(await blind.participantCount()).toBe(2);
    await vi.waitFor(async () => expect(await meeting.participantNames?.()).toEqual(['Ana', 'Otter.ai']), { timeout: 10_000, interval: 200 });
  });

  it('ends sign_in_failed saying why when Microsoft asks for a second step after the right password', async () => {
    const steps = [secondStepAccounts.teams, secondStepAccounts.teamsCode, secondStepAccounts.teamsRegistration];
    const attempts = await Promise.all(
      steps.map((bot) => fx.attempt({ access: 'open' }, { authenticated: true, account: { email: bot.email, password: bot.password } })),
    );
    for (const a of attempts) {
      const failure = await failureOf(a.joined);
      expect(failure.endCode).toBe('sign_in_failed');
      expect(failure.reason).toMatch(/second sign-in step/);
      expect(failure.reason).toMatch(/MFA off for it/);
    }
    expect(steps.map((bot) => fx.sim().signIns('teams', bot.email))).toEqual([0, 0, 0]);
  });

  it('leaves through the hang-up button', async () => {
    const a = await fx.attempt({ access: 'open' });
    const meeting = await a.joined;
    await meeting.leave();
    await vi.waitFor(() => expect(fx.events(a.id)).toContain('bot_left'), { timeout: 5_000, interval: 100 });
    expect(await meeting.ended).toBe('meeting_ended');
  });
});

describe('teams meeting passcode', () => {
  const withoutPasscode = (url: string): string => url.replace(/\?p=.*$/, '');
  const wrongPasscode = (url: string): string => url.replace(/\?p=.*$/, '?p=Wrong1');

  it('joins when the link carries the right passcode, and types it in when the page asks anyway', async () => {
    const carried: TeamsEventScript = { access: 'open', passcode: 'link' };
    const asked: TeamsEventScript = { access: 'open', passcode: 'prompt' };
    const [a, b] = await Promise.all([fx.attempt(carried), fx.attempt(asked)]);
    await a.joined;
    await b.joined;
    expect(fx.events(b.id)).toContain('admitted');
  });

  it('ends password_incorrect when the link has no passcode or a wrong one', async () => {
    const script: TeamsEventScript = { access: 'open', passcode: 'link' };
    const [missing, wrong] = await Promise.all([fx.attempt(script, {}, withoutPasscode), fx.attempt(script, {}, wrongPasscode)]);
    const [m, w] = await Promise.all([failureOf(missing.joined), failureOf(wrong.joined)]);
    expect(m).toMatchObject({ endCode: 'password_incorrect', reason: expect.stringMatching(/has no passcode/) });
    expect(w).toMatchObject({ endCode: 'password_incorrect', reason: expect.stringMatching(/rejected the meeting passcode/) });
    expect(fx.events(missing.id)).not.toContain('join_requested');
  });

  it('a link without `p` takes the passcode the invite states; the link\'s own comes first', async () => {
    const script: TeamsEventScript = { access: 'open', passcode: 'link' };
    // The invite states the passcode the meeting's link had: read from the link before the attempt is made.
    const invite: AttemptOptions = {};
    const statedOnly = (url: string) => {
      invite.passcode = new URL(url).searchParams.get('p') ?? '';
      return withoutPasscode(url);
    };
    const [stated, linkFirst] = await Promise.all([fx.attempt(script, invite, statedOnly), fx.attempt(script, { passcode: 'Stated9' }, wrongPasscode)]);
    await stated.joined;
    expect(fx.events(stated.id)).toContain('admitted');
    expect(await failureOf(linkFirst.joined)).toMatchObject({ endCode: 'password_incorrect', reason: expect.stringMatching(/rejected the meeting passcode the link carries/) });
  });

  it('signed in, enters the passcode the sign-in round trip dropped from the page', async () => {
    const script: TeamsEventScript = { gate: 'sign_in_required', access: 'open', passcode: 'link' };
    const a = await fx.attempt(script, { authenticated: true, account });
    await a.joined;
    expect(fx.sim().getMeeting(a.id)?.bot?.name).toBe(simAccounts.teams.displayName);
  });
});

describe('teams page classification', () => {
  const base: PageSnapshot = {
    url: 'https://teams.microsoft.com/meet/1',
    text: '',
    launcher: -1, nameInput: -1, nameValue: '', emailInput: -1, mediaOn: -1, noMedia: -1, join: -1, joinEnabled: false,
    signInLink: -1, signedIn: false, admissionSignals: 0,
    login: { email: -1, password: -1, submit: -1, staySignedIn: false },
    passcode: { input: -1, submit: -1 },
  };

  it.each([
    ['verify you\u2019re a real person', 'blocked_by_captcha'],
    ['to join, sign in or use teams on the web', 'sign_in_required'],
    ['sorry, but you were denied access to the meeting.', 'admission_denied'],
    ["sorry, we couldn't connect you", 'blocked_by_platform'],
    ['looks like the meeting url is incorrect. please check the url and try again.', 'meeting_not_found'],
  ])('%s -> %s', (text, endCode) => {
    expect(classify(teamsUi, { ...base, text })).toMatchObject({ endCode });
  });

  it('reads an event not yet open to external participants as a wait for its start, not a sign-in wall', () => {
    const text = 'external participants are not permitted to join before the event begins.\n\nplease join after the event has started.';
    expect(classify(teamsUi, { ...base, text })).toEqual({ kind: 'waiting', reason: 'not_started' });
    expect(classify(teamsUi, { ...base, text })).not.toMatchObject({ endCode: 'sign_in_required' });
  });

  it('reads sign-in copy on Microsoft\'s pages only: a second step there is sign_in_failed with its own reason', () => {
    const login = { ...base, url: 'https://login.microsoftonline.com/common/login' };
    expect(classify(teamsUi, { ...login, text: 'approve sign in request\nopen your authenticator app' })).toMatchObject({ endCode: 'sign_in_failed', reason: expect.stringMatching(/second sign-in step/) });
    expect(classify(teamsUi, { ...login, text: 'more information required' })).toMatchObject({ endCode: 'sign_in_failed' });
    expect(classify(teamsUi, { ...login, text: 'your account or password is incorrect.' })).toMatchObject({ endCode: 'sign_in_failed', reason: 'the identity provider rejected the bot account' });
    expect(classify(teamsUi, { ...base, text: 'enter code' })).not.toMatchObject({ endCode: 'sign_in_failed' });
  });

  it('reads the passcode prompt before the pre-join form, and its error as a rejection', () => {
    expect(classify(teamsUi, { ...base, text: 'enter meeting passcode', passcode: { input: 0, submit: 0 }, join: 0 })).toEqual({ kind: 'passcode', rejected: false });
    expect(classify(teamsUi, { ...base, text: 'enter meeting passcode\nthis passcode is incorrect.' })).toEqual({ kind: 'passcode', rejected: true });
  });

  it('needs three in-call controls: a lobby with hang-up and one control is still the lobby', () => {
    expect(classify(teamsUi, { ...base, text: 'someone will let you in shortly', admissionSignals: 2 })).toEqual({ kind: 'waiting', reason: 'lobby' });
    expect(classify(teamsUi, { ...base, admissionSignals: 3 })).toEqual({ kind: 'admitted' });
  });
});
