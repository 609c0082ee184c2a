import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { isSessionError } from '../../src/sessions/session-error.js';
import type { MeetScript, SimEventType } from '../../test/sim/index.js';
import { simulatorBrowser } from '../browser/sim-fixture.js';
import type { InMeeting, JoinContext, JoinPhase, MeetingRef } from '../types.js';
import { meetAdapter } from './index.js';
import { classify } from './page-state.js';
import type { PageSnapshot } from './page-state.js';

const log = pino({ level: 'silent' });
const botName = 'Quorum Notetaker';

const fixture = simulatorBrowser();

interface Attempt {
  id: string;
  ctx: JoinContext;
  phases: JoinPhase[];
  /** What the adapter asked the runner to keep as evidence, with the page text at that moment. */
  evidence: string[];
  joined: Promise<InMeeting>;
  /** Set once `joined` settles, to prove the bot was not reported admitted too early. */
  settled: () => boolean;
}

interface AttemptOptions {
  waitingRoomTimeoutMs?: number;
  stepTimeoutMs?: number;
  signal?: AbortSignal;
  ref?: MeetingRef;
}

async function attemptJoin(script: MeetScript, options: AttemptOptions = {}): Promise<Attempt> {
  const meeting = await fixture.sim().createMeeting('meet', script);
  const context = await fixture.newContext();
  const phases: JoinPhase[] = [];
  const evidence: string[] = [];
  const ref = options.ref ?? meetAdapter.matchUrl(new URL(meeting.joinUrl));
  if (ref === undefined) throw new Error(`simulator link not recognized: ${meeting.joinUrl}`);
  const ctx: JoinContext = {
    page: await context.newPage(),
    ref,
    botName,
    log,
    signal: options.signal ?? new AbortController().signal,
    waitingRoomTimeoutMs: options.waitingRoomTimeoutMs ?? 20_000,
    stepTimeoutMs: options.stepTimeoutMs ?? 5_000,
    phase: (phase) => phases.push(phase),
    saveEvidence: async (label) => {
      evidence.push(`${label}: ${await ctx.page.innerText('body')}`);
    },
  };
  let done = false;
  const joined = meetAdapter.join(ctx).finally(() => {
    done = true;
  });
  joined.catch(() => undefined);
  return { id: meeting.id, ctx, phases, evidence, joined, settled: () => done };
}

async function endCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isSessionError(error)) return error.endCode;
    throw error;
  }
  return 'joined';
}

function events(id: string): SimEventType[] {
  return fixture.sim().getMeeting(id)?.events.map((event) => event.type) ?? [];
}

async function untilEvent(id: string, type: SimEventType): Promise<void> {
  await vi.waitFor(() => expect(events(id)).toContain(type), { timeout: 5_000, interval: 100 });
}

describe('meet join against the simulator', () => {
  it('joins an open meeting: device dialog dismissed, name typed, mic and camera off', async () => {
    const attempt = await attemptJoin({ access: 'open' });
    const meeting = await attempt.joined;
    expect(fixture.sim().getMeeting(attempt.id)?.bot).toMatchObject({ name: botName, admittedAt: expect.any(String) });
    expect(attempt.phases).toEqual([]);
    expect(await attempt.ctx.page.locator('[aria-label="Turn on microphone"]').count()).toBe(1);
    expect(await meeting.participantCount()).toBe(0);
  });

  it('reports the lobby and is not admitted while Leave call and the mic toggle show there', async () => {
    const attempt = await attemptJoin({ access: 'lobby', lobby: { outcome: 'hold', afterMs: 0 } });
    await vi.waitFor(() => expect(attempt.phases).toEqual(['waiting_room']), { timeout: 8_000, interval: 50 });
    expect(await attempt.ctx.page.locator('button[aria-label="Leave call"]').isVisible()).toBe(true);
    await attempt.ctx.page.waitForTimeout(1_200);
    expect(attempt.settled()).toBe(false);
    fixture.sim().act(attempt.id, { type: 'admit' });
    await attempt.joined;
    expect(attempt.phases).toEqual(['waiting_room']);
    expect(events(attempt.id)).toContain('admitted');
  });

  it('waits in a lobby that renders the call controls and People, until really admitted', async () => {
    const attempt = await attemptJoin({ lobbyCallControls: true, lobby: { outcome: 'hold', afterMs: 0 }, participants: [{ name: 'Ana', speaks: false }] });
    await vi.waitFor(() => expect(attempt.phases).toEqual(['waiting_room']), { timeout: 8_000, interval: 50 });
    for (const selector of ['div[role="region"][aria-label="Call controls"]', 'button[aria-label="People"]', 'button[aria-label="Turn on captions"]']) {
      expect(await attempt.ctx.page.locator(selector).isVisible(), selector).toBe(true);
    }
    await attempt.ctx.page.waitForTimeout(1_500);
    expect(attempt.settled()).toBe(false);
    fixture.sim().act(attempt.id, { type: 'admit' });
    const meeting = await attempt.joined;
    expect(attempt.phases).toEqual(['waiting_room']);
    expect(events(attempt.id)).toContain('admitted');
    expect(await meeting.participantCount()).toBe(1);
  });

  it('accepts Gemini\'s notes notice before reporting admission, and then hears the call', async () => {
    const attempt = await attemptJoin({
      lobby: { outcome: 'admit', afterMs: 1_500 },
      geminiNotes: true,
      participants: [{ name: 'Ana' }],
    });
    await attempt.joined;
    expect(attempt.phases).toEqual(['waiting_room']);
    // Joined only once the notice was gone: it holds back the call's media until "Join now".
    expect(await attempt.ctx.page.locator('[data-dialog]').count()).toBe(0);
    await untilEvent(attempt.id, 'audio_connected');
  });

  it('uses the scripted lobby admission and a "Join now" button', async () => {
    const attempt = await attemptJoin({
      prejoin: { deviceDialog: false, joinButton: 'Join now' },
      lobby: { outcome: 'admit', afterMs: 800 },
    });
    await attempt.joined;
    expect(attempt.phases).toEqual(['waiting_room']);
    // No device dialog here, so only the bot's own clicks on the toggles turned them off.
    expect(await attempt.ctx.page.locator('[aria-label="Turn on microphone"]').count()).toBe(1);
    expect(await attempt.ctx.page.locator('[aria-label="Turn on camera"]').count()).toBe(1);
  });

  it.each([
    ['deny', 'admission_denied'],
    ['no_response', 'waiting_room_timeout'],
  ] as const)('lobby outcome %s ends with %s', async (outcome, endCode) => {
    // Long enough in the lobby that a bot on a busy machine sees it before the answer (it polls the page).
    const attempt = await attemptJoin({ lobby: { outcome, afterMs: 2_000 } });
    expect(await endCodeOf(attempt.joined)).toBe(endCode);
    expect(attempt.phases).toEqual(['waiting_room']);
  });

  it('gives up after its own waiting-room timeout and leaves the lobby', async () => {
    const attempt = await attemptJoin({ lobby: { outcome: 'hold', afterMs: 0 } }, { waitingRoomTimeoutMs: 1_500 });
    expect(await endCodeOf(attempt.joined)).toBe('waiting_room_timeout');
    await untilEvent(attempt.id, 'bot_left');
    // Evidence is taken while the bot still sees the lobby, not the page after it left.
    expect(attempt.evidence).toHaveLength(1);
    expect(attempt.evidence[0]).toMatch(/^lobby: [\s\S]*Asking to be let in/);
  });

  it('stops when the operator aborts during the lobby, and leaves it', async () => {
    const controller = new AbortController();
    const attempt = await attemptJoin({ lobby: { outcome: 'hold', afterMs: 0 } }, { signal: controller.signal });
    await vi.waitFor(() => expect(attempt.phases).toEqual(['waiting_room']), { timeout: 8_000, interval: 50 });
    controller.abort();
    expect(await endCodeOf(attempt.joined)).toBe('stopped_by_operator');
    await untilEvent(attempt.id, 'bot_left');
  });

  it('maps "You can\'t join this video call" to blocked_by_platform', async () => {
    const attempt = await attemptJoin({ access: 'blocked' });
    expect(await endCodeOf(attempt.joined)).toBe('blocked_by_platform');
  });

  it('maps an unknown code to meeting_not_found', async () => {
    const ref = meetAdapter.matchUrl(new URL('https://meet.google.com/zzz-zzzz-zzz'));
    const attempt = await attemptJoin({ access: 'open' }, ref === undefined ? {} : { ref });
    expect(await endCodeOf(attempt.joined)).toBe('meeting_not_found');
  });

  it('ends with ui_changed when no pre-join form ever appears', async () => {
    const ref: MeetingRef = { provider: 'meet', id: 'landing', url: 'https://meet.google.com/landing' };
    const attempt = await attemptJoin({ access: 'open' }, { ref, stepTimeoutMs: 1_200 });
    expect(await endCodeOf(attempt.joined)).toBe('ui_changed');
  });

  it('accepts the recording notice and the "Got it" dialog after admission', async () => {
    const attempt = await attemptJoin({ access: 'open', recordingNotice: true, gotItDialog: true });
    await attempt.joined;
    await vi.waitFor(async () => expect(await attempt.ctx.page.locator('[data-dialog]').count()).toBe(0), {
      timeout: 5_000,
      interval: 100,
    });
  });
});

describe('meet in-meeting watch against the simulator', () => {
  it('counts participants, sees one leave, and resolves kicked on removal', async () => {
    const attempt = await attemptJoin({
      access: 'open',
      participants: [
        { name: 'Ana', speaks: false },
        { name: 'Ben', speaks: false, leaveAfterMs: 1_500 },
      ],
      removeBotAfterMs: 3_500,
    });
    const meeting = await attempt.joined;
    await vi.waitFor(async () => expect(await meeting.participantCount()).toBe(2), { timeout: 3_000, interval: 100 });
    await vi.waitFor(async () => expect(await meeting.participantCount()).toBe(1), { timeout: 5_000, interval: 100 });
    expect(await meeting.ended).toBe('kicked');
  });

  it('resolves meeting_ended when the host ends the meeting', async () => {
    const attempt = await attemptJoin({ access: 'open', participants: [{ name: 'Ana', speaks: false }], endAfterMs: 1_000 });
    const meeting = await attempt.joined;
    expect(await meeting.ended).toBe('meeting_ended');
  });

  it('leaves through Leave call', async () => {
    const attempt = await attemptJoin({ access: 'open', participants: [{ name: 'Ana', speaks: false }] });
    const meeting = await attempt.joined;
    await meeting.leave();
    await untilEvent(attempt.id, 'bot_left');
    expect(await meeting.ended).toBe('meeting_ended');
    await expect(meeting.leave()).resolves.toBeUndefined();
  });

  it('resolves meeting_ended when the page lands on the Meet home screen, or closes', async () => {
    const home = await attemptJoin({ access: 'open' });
    const homeMeeting = await home.joined;
    await home.ctx.page.goto('https://meet.google.com/');
    expect(await homeMeeting.ended).toBe('meeting_ended');

    const closed = await attemptJoin({ access: 'open' });
    const closedMeeting = await closed.joined;
    await closed.ctx.page.close();
    expect(await closedMeeting.ended).toBe('meeting_ended');
    expect(await closedMeeting.participantCount()).toBeUndefined();
    await expect(closedMeeting.leave()).resolves.toBeUndefined();
  });
});

describe('meet page classification', () => {
  const base: PageSnapshot = {
    url: 'https://meet.google.com/abc-defg-hij',
    text: '',
    headings: [],
    buttons: [],
    labels: [],
    nameInput: undefined,
    nameValue: '',
    inMeetingSignals: 0,
    callUiSignals: 0,
    lobbyElements: 0,
    dialogText: '',
  };

  it.each([
    ['you can\u2019t join this video call', 'blocked_by_platform'],
    ['the meeting code you entered doesn\u2019t work', 'meeting_not_found'],
    ['your meeting code has expired', 'meeting_not_found'],
    ['someone in the call denied your request to join', 'admission_denied'],
    ['no one responded to your request to join the call', 'waiting_room_timeout'],
  ])('%s -> %s', (text, endCode) => {
    expect(classify({ ...base, text })).toMatchObject({ kind: 'failed', endCode });
  });

  it('treats the Google sign-in wall as sign_in_required', () => {
    expect(classify({ ...base, url: 'https://accounts.google.com/v3/signin/identifier' })).toMatchObject({
      endCode: 'sign_in_required',
    });
    const wall = { ...base, headings: ['sign in'], text: 'sign in\nto continue to your google account' };
    expect(classify(wall)).toMatchObject({ endCode: 'sign_in_required' });
  });

  it('reads a lobby with call buttons as waiting, and an in-meeting signal with one more as admitted', () => {
    const lobby = {
      ...base,
      text: 'asking to be let in...\nyou\u2019ll join the call when someone lets you in',
      buttons: [{ name: 'Leave call', enabled: true }],
      labels: ['Turn off microphone', 'Leave call'],
      callUiSignals: 1,
    };
    expect(classify(lobby)).toEqual({ kind: 'waiting', reason: 'lobby' });
    expect(classify({ ...base, text: 'waiting for the host to join' })).toEqual({ kind: 'waiting', reason: 'host' });
    expect(classify({ ...base, inMeetingSignals: 2 })).toEqual({ kind: 'admitted' });
    expect(classify({ ...base, inMeetingSignals: 1, callUiSignals: 1 })).toEqual({ kind: 'admitted' });
    expect(classify({ ...base, inMeetingSignals: 1 })).toEqual({ kind: 'unknown' });
  });

  it('never reads a lobby that renders the call controls and People as admitted', () => {
    const controls = {
      ...base,
      buttons: [{ name: 'People', enabled: true }, { name: 'Leave call', enabled: true }],
      labels: ['Call controls', 'Turn off microphone', 'Turn on captions', 'People', 'Leave call'],
      callUiSignals: 3,
    };
    // Before the lobby copy renders (Meeting BaaS PR #282), call UI alone proves nothing.
    expect(classify(controls)).toEqual({ kind: 'unknown' });
    const lobbyText = 'asking to be let in...\nplease wait until a meeting host brings you into the call';
    expect(classify({ ...controls, text: lobbyText })).toEqual({ kind: 'waiting', reason: 'lobby' });
    // The lobby's own copy or elements outrank even a stray in-meeting signal on the same page.
    expect(classify({ ...controls, text: lobbyText, inMeetingSignals: 1 })).toEqual({ kind: 'waiting', reason: 'lobby' });
    expect(classify({ ...controls, lobbyElements: 1, inMeetingSignals: 1 })).toEqual({ kind: 'waiting', reason: 'lobby' });
    expect(classify({ ...controls, text: 'waiting for the host to join', inMeetingSignals: 2 })).toEqual({ kind: 'waiting', reason: 'host' });
    expect(classify({ ...controls, inMeetingSignals: 1 })).toEqual({ kind: 'admitted' });
  });

  it('accepts Gemini\'s notes notice with "Join now" before admission, and ignores it without one', () => {
    const call = { ...base, inMeetingSignals: 2, callUiSignals: 3 };
    const notice = {
      ...call,
      text: 'gemini is taking notes\nthe organizer turned on "take notes for me" for this call.\njoin now',
      dialogText: 'gemini is taking notes\nthe organizer turned on "take notes for me" for this call.\njoin now',
      buttons: [{ name: 'Join now', enabled: true }],
    };
    expect(classify(notice)).toEqual({ kind: 'dialog', button: 'Join now' });
    expect(classify(notice, new Set(['Join now']))).toEqual({ kind: 'admitted' });
    // Outside a dialog "taking notes" is the call's banner: no notice to accept, and no proof of admission either.
    const signedInPrejoin = { ...base, text: 'gemini is taking notes\njoin now', buttons: [{ name: 'Join now', enabled: true }], callUiSignals: 2 };
    expect(classify(signedInPrejoin)).toEqual({ kind: 'prejoin', joinButton: { name: 'Join now', enabled: true } });
    expect(classify({ ...call, text: 'gemini is taking notes' })).toEqual({ kind: 'admitted' });
    // In the lobby the notice is accepted, and the bot still waits.
    const lobby = { ...notice, inMeetingSignals: 0, text: `asking to be let in...\n${notice.text}` };
    expect(classify(lobby)).toEqual({ kind: 'dialog', button: 'Join now' });
    expect(classify({ ...lobby, dialogText: '', buttons: [] })).toEqual({ kind: 'waiting', reason: 'lobby' });
  });

  it.each([
    'this video call is full',
    'the call is full',
    // Meet may title the page like a refusal; the capacity line decides.
    'you can\u2019t join this video call\nthis video call is full. try again later or contact the call organizer.',
  ])('%s -> meeting_full', (text) => {
    expect(classify({ ...base, text, buttons: [{ name: 'Return to home screen', enabled: true }] })).toMatchObject({ kind: 'failed', endCode: 'meeting_full' });
  });

  it('does not read the words in a call the bot is already in (a chat line) as a full call', () => {
    expect(classify({ ...base, text: 'ada: the call is full of people today', inMeetingSignals: 2 })).toEqual({ kind: 'admitted' });
  });
});
