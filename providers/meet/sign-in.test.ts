import { describe, expect, it } from 'vitest';
import { secondStepAccounts } from '../../test/sim/core/accounts.js';
import { simAccounts } from '../../test/sim/index.js';
import { adapterFixture, endCodeOf, failureOf, memoryStateStore } from '../web-client/test-support.js';
import type { BotAccount } from '../types.js';
import { meetAdapter } from './index.js';

const google = simAccounts.meet;
const account = { email: google.email, password: google.password };

const fixture = adapterFixture(meetAdapter, 'meet');
const sim = () => fixture.sim();
const events = fixture.events;
const waits = { waitingRoomTimeoutMs: 8_000 };
const signedIn = (bot?: BotAccount) => ({ ...waits, authenticated: true, ...(bot ? { account: bot } : {}) });

describe('meet signed in to a Google account', () => {
  it('signs in through Google, joins an org-only meeting as a recognized member, and reuses the sign-in', async () => {
    const state = memoryStateStore();
    // Signed out, this meeting sends the visitor to Google's sign-in page; an org member skips the lobby.
    const first = await fixture.attempt({ guests: 'sign_in_required', lobby: { outcome: 'hold', afterMs: 0 } }, signedIn({ ...account, signedInState: state }));
    await first.joined;
    expect(sim().getMeeting(first.id)?.bot?.name).toBe(google.displayName);
    expect(events(first.id)).toEqual(expect.arrayContaining(['sign_in_wall', 'bot_signed_in', 'admitted']));
    expect(first.phases).toEqual([]);
    expect(sim().signIns('meet', google.email)).toBe(1);
    expect(state.value).toContain('sim_google_auth');

    // The stored sign-in opens the next meeting signed in: no password, no wall.
    const second = await fixture.attempt({ guests: 'blocked', lobby: { outcome: 'hold', afterMs: 0 } }, signedIn({ ...account, signedInState: state }));
    await second.joined;
    expect(events(second.id)).toContain('bot_signed_in');
    expect(events(second.id)).not.toContain('sign_in_wall');
    expect(sim().signIns('meet', google.email)).toBe(1);

    // A lapsed sign-in shows the guest form; the bot signs in again with the password.
    sim().revokeSignIns();
    const third = await fixture.attempt({ access: 'open' }, signedIn({ ...account, signedInState: state }));
    await third.joined;
    expect(sim().getMeeting(third.id)?.bot?.name).toBe(google.displayName);
    expect(sim().signIns('meet', google.email)).toBe(2);
  });

  it('ends sign_in_failed when Google refuses the password or the account, credentials_missing without one', async () => {
    const [wrong, unknown, missing] = await Promise.all([
      fixture.attempt({ access: 'open' }, signedIn({ ...account, password: 'not-the-password' })),
      fixture.attempt({ guests: 'sign_in_required' }, signedIn({ email: 'nobody@quorum-sim.example', password: 'x' })),
      fixture.attempt({ access: 'open' }, signedIn()),
    ]);
    expect(await endCodeOf(wrong.joined)).toBe('sign_in_failed');
    expect(await endCodeOf(unknown.joined)).toBe('sign_in_failed');
    expect(await endCodeOf(missing.joined)).toBe('credentials_missing');
  });

  it('ends sign_in_failed saying why when Google asks for 2-Step Verification after the right password', async () => {
    const bot = secondStepAccounts.meet;
    const a = await fixture.attempt({ guests: 'sign_in_required' }, signedIn({ email: bot.email, password: bot.password }));
    const failure = await failureOf(a.joined);
    expect(failure).toMatchObject({ endCode: 'sign_in_failed', reason: expect.stringMatching(/^Google asked the bot account for a second sign-in step.*2-Step Verification off/) });
    expect(sim().signIns('meet', bot.email)).toBe(0);
  });

  it('anonymous: the sign-in wall is sign_in_required, an org-only call blocked_by_platform, open calls still join', async () => {
    const [wall, blocked, open] = await Promise.all([
      fixture.attempt({ guests: 'sign_in_required' }, waits),
      fixture.attempt({ guests: 'blocked' }, waits),
      fixture.attempt({ access: 'open' }, waits),
    ]);
    expect(await endCodeOf(wall.joined)).toBe('sign_in_required');
    expect(await endCodeOf(blocked.joined)).toBe('blocked_by_platform');
    await open.joined;
    expect(sim().getMeeting(open.id)?.bot?.name).toBe('Quorum Notetaker');
    expect(events(open.id)).not.toContain('bot_signed_in');
  });
});
