import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { askToJoin, eventTypes, returnHome, waitForEvent, withSimulator } from './helpers.js';

const fixture = withSimulator();
let context: BrowserContext;
let page: Page;
beforeEach(async () => {
  context = await fixture.browser().newContext();
  page = await context.newPage();
});
afterEach(async () => {
  await context.close();
});

const inMeeting = 'div[role="region"][aria-label="Call controls"] button[aria-label="Turn on captions"]';

describe('Meet simulator, as a bot sees it', () => {
  it('shows the not-found page for an unknown code', async () => {
    await page.goto('https://meet.google.com/zzz-zzzz-zzz');
    expect(await page.locator('h1').textContent()).toBe('Check your meeting code');
    expect(await page.locator(returnHome).count()).toBe(1);
  });

  it('renders the pre-join page with its device dialog, toggles and a join button enabled by a name', async () => {
    const { joinUrl } = await fixture.sim().createMeeting('meet', { prejoin: { joinButton: 'Join now' } });
    await page.goto(joinUrl);
    expect(await page.title()).toBe('Meet');
    await page.locator('div[role="dialog"]', { hasText: 'Do you want people to hear you in the meeting?' }).waitFor();
    // The device dialog is modal: nothing behind it can be clicked until it is dismissed.
    await expect(page.locator('input[aria-label="Your name"]').click({ timeout: 500 })).rejects.toThrow();
    await page.locator('//button[.//span[text()="Continue without microphone and camera"]]').click();
    const join = page.locator('//button[.//span[text()="Join now"]]');
    expect(await join.isDisabled()).toBe(true);
    await page.locator('input[type="text"][aria-label="Your name"][placeholder="Your name"]').fill('Bot');
    expect(await join.isEnabled()).toBe(true);
    await page.locator('div[role="button"][aria-label="Turn on microphone"]').click();
    expect(await page.locator('div[role="button"][aria-label="Turn off microphone"]').count()).toBe(1);
  });

  it('blocks the bot with "You can\'t join this video call"', async () => {
    const { id, joinUrl } = await fixture.sim().createMeeting('meet', { access: 'blocked' });
    await askToJoin(page, joinUrl);
    await page.locator('h1', { hasText: 'join this video call' }).waitFor();
    expect(await page.locator('h1').textContent()).toBe("You can't join this video call");
    await page.locator(returnHome).waitFor();
    expect(eventTypes(fixture.sim(), id)).toEqual(['bot_opened', 'join_requested', 'blocked']);
    expect(fixture.sim().getMeeting(id)?.state).toBe('ended');
  });

  it('renders typographic apostrophes when scripted, as some live Meet builds do', async () => {
    const { joinUrl } = await fixture.sim().createMeeting('meet', { apostrophes: 'typographic', lobby: { outcome: 'hold', afterMs: 0 } });
    await askToJoin(page, joinUrl);
    await page.getByText('You\u2019ll join the call when someone lets you in').waitFor();
    expect(await page.getByText("You'll join the call").count()).toBe(0);
  });

  it('holds the bot in a lobby that shows Leave call but no in-meeting signals, then admits it', async () => {
    const { id, joinUrl } = await fixture.sim().createMeeting('meet', {
      lobby: { outcome: 'hold', afterMs: 0 },
      participants: [{ name: 'Ada', speaks: false }, { name: 'Grace', speaks: false }],
    });
    await askToJoin(page, joinUrl, 'Notetaker');
    await page.getByText('Asking to be let in...').waitFor();
    await page.getByText("You'll join the call when someone lets you in").waitFor();
    await page.locator('button[aria-label="Leave call"]').waitFor();
    await page.locator('div[role="button"][aria-label="Turn on microphone"]').waitFor();
    for (const absent of ['button[aria-label="Turn on captions"]', '[data-participant-id]', 'div[role="region"][aria-label="Call controls"]', 'button[aria-label^="People"]']) {
      expect(await page.locator(absent).count(), absent).toBe(0);
    }
    expect(fixture.sim().getMeeting(id)?.state).toBe('waiting');

    fixture.sim().act(id, { type: 'admit' });
    await page.locator(inMeeting).waitFor();
    const controls = page.locator('div[role="region"][aria-label="Call controls"]');
    for (const label of ['Leave call', 'Chat with everyone', 'Present now', 'People - 3 joined']) {
      expect(await controls.locator(`button[aria-label="${label}"]`).count(), label).toBe(1);
    }
    expect(await page.locator('[data-participant-id]').count()).toBe(3);
    expect(await page.locator('[data-participant-id][data-self-name="Notetaker"]').count()).toBe(1);
    const report = fixture.sim().getMeeting(id);
    expect(report?.state).toBe('active');
    expect(report?.bot?.name).toBe('Notetaker');
    expect(report?.bot?.admittedAt).toBeDefined();
    expect(eventTypes(fixture.sim(), id)).toEqual(['bot_opened', 'join_requested', 'admitted', 'participant_joined', 'participant_joined']);
  });

  it('renders call controls and People in the lobby when scripted, but no tiles or People count', async () => {
    const { id, joinUrl } = await fixture.sim().createMeeting('meet', { lobbyCallControls: true, lobby: { outcome: 'hold', afterMs: 0 } });
    await askToJoin(page, joinUrl);
    await page.getByText('Asking to be let in...').waitFor();
    const controls = page.locator('div[role="region"][aria-label="Call controls"]');
    for (const label of ['Turn on captions', 'People', 'Leave call']) {
      expect(await controls.locator(`button[aria-label="${label}"]`).isVisible(), label).toBe(true);
    }
    expect(await page.locator('[data-participant-id], button[aria-label^="People - "]').count()).toBe(0);
    expect(fixture.sim().getMeeting(id)?.state).toBe('waiting');
  });

  it('holds the call behind Gemini\'s notes notice until "Join now"', async () => {
    const { id, joinUrl } = await fixture.sim().createMeeting('meet', { access: 'open', geminiNotes: true, participants: [{ name: 'Ada' }] });
    await askToJoin(page, joinUrl);
    await page.locator('div[role="dialog"]', { hasText: 'Gemini is taking notes' }).waitFor();
    expect(await page.locator('div[role="dialog"]', { hasText: 'Take notes for me' }).count()).toBe(1);
    expect(await page.locator('[data-participant-id]').count()).toBe(2);
    await page.waitForTimeout(1_000);
    expect(eventTypes(fixture.sim(), id)).not.toContain('audio_connected');
    await page.locator('//button[.//span[text()="Join now"]]').click();
    await waitForEvent(fixture.sim(), id, 'audio_connected');
  });

  it('denies the bot after the scripted delay', async () => {
    const { id, joinUrl } = await fixture.sim().createMeeting('meet', { lobby: { outcome: 'deny', afterMs: 300 } });
    await askToJoin(page, joinUrl);
    await page.getByText('Asking to be let in...').waitFor();
    await page.getByText('Someone in the call denied your request to join').waitFor();
    await page.locator(returnHome).waitFor();
    expect(eventTypes(fixture.sim(), id)).toContain('denied');
  });

  it('times the lobby out with Meet\'s "No one responded"', async () => {
    const { id, joinUrl } = await fixture.sim().createMeeting('meet', { lobby: { outcome: 'no_response', afterMs: 300 } });
    await askToJoin(page, joinUrl);
    await page.getByText('No one responded to your request to join the call').waitFor();
    await page.locator(returnHome).waitFor();
    expect(eventTypes(fixture.sim(), id)).toContain('no_response');
  });

  it('admits after the scripted delay, then shows the recording notice and Got it dialogs', async () => {
    const { id, joinUrl } = await fixture.sim().createMeeting('meet', {
      lobby: { outcome: 'admit', afterMs: 200 },
      recordingNotice: true,
      gotItDialog: true,
    });
    await askToJoin(page, joinUrl);
    await page.locator(inMeeting).waitFor({ state: 'attached' });
    await page.locator('div[role="dialog"]', { hasText: 'This meeting is being recorded' }).waitFor();
    await page.locator('//button[.//span[text()="Join now"]]').click();
    await page.locator('div[role="dialog"]', { hasText: 'Others may see your meeting differently' }).waitFor();
    await page.locator('//button[.//span[text()="Got it"]]').click();
    expect(await page.locator('div[role="dialog"]').count()).toBe(0);
    await page.locator('button[aria-label="Turn on captions"]').click();
    await page.locator('button[aria-label="Turn off captions"]').waitFor();
    expect(await page.locator('button[aria-label="People - 1 joined"]').count()).toBe(1);
    expect(eventTypes(fixture.sim(), id)).toContain('admitted');
  });

  it('shows the removal screen when the host removes the bot', async () => {
    const { id, joinUrl } = await fixture.sim().createMeeting('meet', { access: 'open', removeBotAfterMs: 400 });
    await askToJoin(page, joinUrl);
    await page.locator(inMeeting).waitFor();
    await page.getByText("You've been removed from the meeting").waitFor();
    await page.locator(returnHome).waitFor();
    expect(await page.locator('button[aria-label="Leave call"]').count()).toBe(0);
    expect(eventTypes(fixture.sim(), id)).toEqual(['bot_opened', 'join_requested', 'admitted', 'bot_removed']);
    expect(fixture.sim().getMeeting(id)?.bot?.leftAt).toBeDefined();
  });

  it('ends the meeting for everyone', async () => {
    const { id, joinUrl } = await fixture.sim().createMeeting('meet', { access: 'open', endAfterMs: 400 });
    await askToJoin(page, joinUrl);
    await page.locator(inMeeting).waitFor();
    await page.getByText('The host ended the meeting for everyone').waitFor();
    await page.locator(returnHome).waitFor();
    expect(await page.locator('div[role="region"][aria-label="Call controls"]').count()).toBe(0);
    expect(eventTypes(fixture.sim(), id)).toContain('ended');
    expect(fixture.sim().getMeeting(id)?.state).toBe('ended');
  });

  it('updates the People count when participants leave', async () => {
    const { id, joinUrl } = await fixture.sim().createMeeting('meet', {
      access: 'open',
      participants: [{ name: 'Ada', speaks: false, leaveAfterMs: 500 }, { name: 'Grace', speaks: false }],
    });
    await askToJoin(page, joinUrl);
    await page.locator('button[aria-label="People - 3 joined"]').waitFor();
    await page.locator('button[aria-label="People - 2 joined"]').waitFor();
    fixture.sim().act(id, { type: 'participant_leave', name: 'Grace' });
    await page.locator('button[aria-label="People - 1 joined"]').waitFor();
    expect(await page.locator('[data-participant-id]').count()).toBe(1);
    const left = fixture.sim().getMeeting(id)?.events.filter((e) => e.type === 'participant_left').map((e) => e.name);
    expect(left).toEqual(['Ada', 'Grace']);
  });

  it('records bot_left when the bot clicks Leave call', async () => {
    const { id, joinUrl } = await fixture.sim().createMeeting('meet', { access: 'open' });
    await askToJoin(page, joinUrl, 'Leaver', 'Ask to join');
    await page.locator(inMeeting).waitFor();
    await page.locator('button[aria-label="Leave call"]').click();
    await page.getByText('You left the meeting').waitFor();
    await page.locator(returnHome).waitFor();
    await waitForEvent(fixture.sim(), id, 'bot_left');
    expect(fixture.sim().getMeeting(id)?.bot?.leftAt).toBeDefined();
  });

  it('records bot_left when the bot closes its page in the lobby', async () => {
    const { id, joinUrl } = await fixture.sim().createMeeting('meet', {});
    await askToJoin(page, joinUrl);
    await page.getByText('Asking to be let in...').waitFor();
    await page.close();
    await waitForEvent(fixture.sim(), id, 'bot_left');
    expect(() => fixture.sim().act(id, { type: 'admit' })).toThrow(/no bot is waiting/);
  });
});
