import { chromium } from 'playwright-core';
import type { Browser, BrowserContext } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isSessionError } from '../../src/sessions/session-error.js';
import { simAccounts, startSimulator } from '../../test/sim/index.js';
import type { MeetScript, SimEventType, Simulator } from '../../test/sim/index.js';
import { baseChromiumArgs } from '../browser/flags.js';
import { memoryStateStore } from '../web-client/test-support.js';
import type { BotAccount, InMeeting, JoinContext, JoinPhase } from '../types.js';
import { meetAdapter } from './index.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const google = simAccounts.meet;
const account = { email: google.email, password: google.password };

let sim: Simulator;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  sim = await startSimulator({ chromiumPath });
  browser = await chromium.launch({ executablePath: chromiumPath, args: [...baseChromiumArgs, ...sim.chromiumArgs()] });
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});
afterAll(async () => {
  await browser?.close();
  await sim?.close();
});

async function attempt(script: MeetScript, signedIn?: { account?: BotAccount }): Promise<{ id: string; phases: JoinPhase[]; joined: Promise<InMeeting> }> {
  const meeting = await sim.createMeeting('meet', script);
  const context = await browser.newContext();
  contexts.push(context);
  const ref = meetAdapter.matchUrl(new URL(meeting.joinUrl));
  if (!ref) throw new Error(`link not recognized: ${meeting.joinUrl}`);
  const phases: JoinPhase[] = [];
  const ctx: JoinContext = {
    page: await context.newPage(),
    ref,
    botName: 'Quorum Notetaker',
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    waitingRoomTimeoutMs: 8_000,
    stepTimeoutMs: 8_000,
    phase: (phase) => phases.push(phase),
    saveEvidence: async () => undefined,
    ...(signedIn ? { authenticated: true } : {}),
    ...(signedIn?.account ? { account: signedIn.account } : {}),
  };
  const joined = meetAdapter.join(ctx);
  joined.catch(() => undefined);
  return { id: meeting.id, phases, joined };
}

async function endCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'joined';
  } catch (error) {
    if (isSessionError(error)) return error.endCode;
    throw error;
  }
}

const events = (id: string): SimEventType[] => sim.getMeeting(id)?.events.map((e) => e.type) ?? [];

describe('meet signed in to a Google account', () => {
  it('signs in through Google, joins an org-only meeting as a recognized member, and reuses the sign-in', async () => {
    const state = memoryStateStore();
    // Signed out, this meeting sends the visitor to Google's sign-in page; an org member skips the lobby.
    const first = await attempt({ guests: 'sign_in_required', lobby: { outcome: 'hold', afterMs: 0 } }, { account: { ...account, signedInState: state } });
    await first.joined;
    expect(sim.getMeeting(first.id)?.bot?.name).toBe(google.displayName);
    expect(events(first.id)).toEqual(expect.arrayContaining(['sign_in_wall', 'bot_signed_in', 'admitted']));
    expect(first.phases).toEqual([]);
    expect(sim.signIns('meet', google.email)).toBe(1);
    expect(state.value).toContain('sim_google_auth');

    // The stored sign-in opens the next meeting signed in: no password, no wall.
    const second = await attempt({ guests: 'blocked', lobby: { outcome: 'hold', afterMs: 0 } }, { account: { ...account, signedInState: state } });
    await second.joined;
    expect(events(second.id)).toContain('bot_signed_in');
    expect(events(second.id)).not.toContain('sign_in_wall');
    expect(sim.signIns('meet', google.email)).toBe(1);

    // A lapsed sign-in shows the guest form; the bot signs in again with the password.
    sim.revokeSignIns();
    const third = await attempt({ access: 'open' }, { account: { ...account, signedInState: state } });
    await third.joined;
    expect(sim.getMeeting(third.id)?.bot?.name).toBe(google.displayName);
    expect(sim.signIns('meet', google.email)).toBe(2);
  });

  it('ends sign_in_failed when Google refuses the password or the account, credentials_missing without one', async () => {
    const [wrong, unknown, missing] = await Promise.all([
      attempt({ access: 'open' }, { account: { ...account, password: 'not-the-password' } }),
      attempt({ guests: 'sign_in_required' }, { account: { email: 'nobody@quorum-sim.example', password: 'x' } }),
      attempt({ access: 'open' }, {}),
    ]);
    expect(await endCodeOf(wrong.joined)).toBe('sign_in_failed');
    expect(await endCodeOf(unknown.joined)).toBe('sign_in_failed');
    expect(await endCodeOf(missing.joined)).toBe('credentials_missing');
  });

  it('anonymous: the sign-in wall is sign_in_required, an org-only call blocked_by_platform, open calls still join', async () => {
    const [wall, blocked, open] = await Promise.all([
      attempt({ guests: 'sign_in_required' }),
      attempt({ guests: 'blocked' }),
      attempt({ access: 'open' }),
    ]);
    expect(await endCodeOf(wall.joined)).toBe('sign_in_required');
    expect(await endCodeOf(blocked.joined)).toBe('blocked_by_platform');
    await open.joined;
    expect(sim.getMeeting(open.id)?.bot?.name).toBe('Quorum Notetaker');
    expect(events(open.id)).not.toContain('bot_signed_in');
  });
});
