import { describe, expect, it, vi } from 'vitest';
import { secondStepAccounts } from '../../test/sim/core/accounts.js';
import { simAccounts } from '../../test/sim/index.js';
import type { WebexPasswordScript } from '../../test/sim/webex/script.js';
import { adapterFixture, endCodeOf, failureOf, memoryStateStore } from '../web-client/test-support.js';
import { webexAdapter } from './index.js';

const fx = adapterFixture(webexAdapter, 'webex');
const account = { email: simAccounts.webex.email, password: simAccounts.webex.password };

describe('webex join against the simulator', () => {
  it('joins as a guest: Join from browser, name and e-mail, media off, lobby, admission, participant count', async () => {
    const a = await fx.attempt({ lobby: { outcome: 'hold', afterMs: 0 }, participants: [{ name: 'Ana', speaks: false }, { name: 'Ben', speaks: false }] });
    await vi.waitFor(() => expect(a.phases).toEqual(['waiting_room']), { timeout: 10_000, interval: 50 });
    expect(await a.ctx.page.locator('button[aria-label="Leave meeting"]').isVisible()).toBe(true);
    await a.ctx.page.waitForTimeout(1_000);
    expect(a.settled()).toBe(false);
    fx.sim().act(a.id, { type: 'admit' });
    const meeting = await a.joined;
    await vi.waitFor(async () => expect(await meeting.participantCount()).toBe(2), { timeout: 5_000, interval: 100 });
    fx.sim().act(a.id, { type: 'participant_leave', name: 'Ben' });
    await vi.waitFor(async () => expect(await meeting.participantCount()).toBe(1), { timeout: 5_000, interval: 100 });
  });

  it('opens the Participants panel to read the roster names', async () => {
    const a = await fx.attempt({ access: 'open', participants: [{ name: 'Ana', speaks: false }, { name: 'Otter.ai', speaks: false }] });
    const meeting = await a.joined;
    // Closed when the call opens (the list is not in the page); the bot opens it.
    await vi.waitFor(async () => expect(await meeting.participantNames?.()).toEqual(['Ana', 'Otter.ai']), { timeout: 10_000, interval: 200 });
    expect(await meeting.participantCount()).toBe(2);
  });

  it.each([
    [{ lobby: { outcome: 'deny', afterMs: 500 } }, 'admission_denied'],
    [{ gate: 'captcha' }, 'blocked_by_captcha'],
    [{ gate: 'sign_in_required' }, 'sign_in_required'],
    [{ access: 'blocked' }, 'blocked_by_platform'],
  ] as const)('%j ends %s', async (script, endCode) => {
    const a = await fx.attempt(structuredClone(script));
    expect(await endCodeOf(a.joined)).toBe(endCode);
  });

  it('maps an unknown MTID to meeting_not_found', async () => {
    const a = await fx.attempt({}, {}, 'https://acme.webex.com/acme/j.php?MTID=m00000000000000000000000000000000');
    expect(await endCodeOf(a.joined)).toBe('meeting_not_found');
  });

  it('signs in on a sign-in-only site, then reuses the stored sign-in', async () => {
    const state = memoryStateStore();
    const first = await fx.attempt({ gate: 'sign_in_required', access: 'open' }, { authenticated: true, account: { ...account, signedInState: state } });
    await first.joined;
    expect(fx.sim().getMeeting(first.id)?.bot?.name).toBe(simAccounts.webex.displayName);
    const second = await fx.attempt({ gate: 'captcha', access: 'open' }, { authenticated: true, account: { ...account, signedInState: state } });
    await second.joined;
    expect(fx.sim().signIns('webex', account.email)).toBe(1);
  });

  it('ends sign_in_failed on a wrong password', async () => {
    const a = await fx.attempt({ access: 'open' }, { authenticated: true, account: { ...account, password: 'nope' } });
    expect(await endCodeOf(a.joined)).toBe('sign_in_failed');
  });

  it('ends sign_in_failed saying why when Webex asks for a verification code after the right password', async () => {
    const bot = secondStepAccounts.webex;
    const a = await fx.attempt({ access: 'open' }, { authenticated: true, account: { email: bot.email, password: bot.password } });
    const failure = await failureOf(a.joined);
    expect(failure).toMatchObject({ endCode: 'sign_in_failed', reason: expect.stringMatching(/second sign-in step.*no multi-factor authentication/) });
    expect(fx.sim().signIns('webex', bot.email)).toBe(0);
  });

  it('ends password_incorrect when the meeting asks for its password: Webex links never carry it', async () => {
    const script: WebexPasswordScript = { access: 'open', password: true };
    const a = await fx.attempt(script);
    expect(await failureOf(a.joined)).toMatchObject({ endCode: 'password_incorrect', reason: expect.stringMatching(/do not carry the meeting password/) });
    expect(fx.events(a.id)).not.toContain('join_requested');
  });

  it('types the password the invite states; a wrong one ends password_incorrect saying it came from the invite', async () => {
    const script: WebexPasswordScript = { access: 'open', password: 'gP3m@42x' };
    const [right, wrong] = await Promise.all([fx.attempt(script, { passcode: 'gP3m@42x' }), fx.attempt(script, { passcode: 'Qk4m9TzP' })]);
    await right.joined;
    expect(fx.events(right.id)).toContain('admitted');
    const failure = await failureOf(wrong.joined);
    expect(failure).toMatchObject({ endCode: 'password_incorrect', reason: expect.stringMatching(/rejected the meeting passcode the invite states/) });
    expect(failure.reason).not.toContain('Qk4m9TzP');
  });

  it('resolves kicked on removal', async () => {
    const a = await fx.attempt({ access: 'open', removeBotAfterMs: 1_000 });
    expect(await (await a.joined).ended).toBe('kicked');
  });
});
