import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioShortfall, prepareAudioCapture, startRecording } from './audio-capture.js';
import type { Page } from 'playwright-core';
import { BrowserPool, type BotBrowser } from './pool.js';
import { connectTone, meanVolume, probeDuration, servePage, type ServedPage } from './test-support.js';

const log = pino({ level: 'silent' });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const gathered = `await new Promise((resolve) => {
  if (pc.iceGatheringState === 'complete') return resolve();
  pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
});`;

/** Sets up an audio call from `sender` to `receiver` in which the sender never sends a packet (no track). */
async function connectNothing(sender: Page, receiver: Page): Promise<void> {
  const offer = (await sender.evaluate(`(async () => {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('audio', { direction: 'sendonly' });
    window.__silentCall = pc;
    await pc.setLocalDescription(await pc.createOffer());
    ${gathered}
    return JSON.stringify(pc.localDescription);
  })()`)) as string;
  const answer = (await receiver.evaluate(`(async () => {
    const pc = new RTCPeerConnection();
    await pc.setRemoteDescription(${offer});
    await pc.setLocalDescription(await pc.createAnswer());
    ${gathered}
    return JSON.stringify(pc.localDescription);
  })()`)) as string;
  await sender.evaluate(`window.__silentCall.setRemoteDescription(${answer})`);
}

/** Polls `read` until `done` holds (10 s at most), returning the last value read. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
}

describe('audio capture of incoming WebRTC audio', () => {
  let pool: BrowserPool;
  let served: ServedPage;
  let dir: string;
  let sender: BotBrowser;
  let bot: BotBrowser;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quorum-capture-'));
    served = await servePage();
    pool = new BrowserPool({ chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', botsPerBrowser: 2, log });
    sender = await pool.acquire();
    bot = await pool.acquire({ prepare: prepareAudioCapture });
    await Promise.all([sender.page.goto(served.url), bot.page.goto(served.url)]);
  });

  afterAll(async () => {
    await pool.close();
    await served.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('records the remote tone to a finalized WebM with the right duration, level and sound times', async () => {
    const file = join(dir, 'meeting.webm');
    // The recording starts before any track arrives: the tone's track has to join the mix later.
    const recording = await startRecording(bot.page, { file, log });
    const startedAt = Date.now();
    await connectTone(sender.page, bot.page);

    await sleep(2_500);
    const firstSound = recording.lastSoundAt();
    expect(firstSound).toBeGreaterThan(startedAt);
    const levels: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      levels.push((await recording.levelDb()) ?? -Infinity);
      await sleep(130);
    }
    expect(Math.max(...levels)).toBeGreaterThan(-30);
    expect(recording.bytes()).toBeGreaterThan(0);

    await sleep(6_000 - (Date.now() - startedAt));
    expect(recording.lastSoundAt()).toBeGreaterThan(firstSound);
    const result = await recording.stop();
    const wallMs = Date.now() - startedAt;

    expect(result.file).toBe(file);
    expect(result.bytes).toBe((await stat(file)).size);
    expect(Math.abs(result.durationMs - wallMs)).toBeLessThan(1_500);
    expect(Math.abs(await probeDuration(file) * 1000 - wallMs)).toBeLessThan(1_500);
    expect(await meanVolume(file)).toBeGreaterThan(-45);
  });

  it('stop() finalizes what is on disk when the bot Chromium was killed', async () => {
    const other = await pool.acquire({ prepare: prepareAudioCapture });
    await other.page.goto(served.url);
    const file = join(dir, 'crashed.webm');
    const recording = await startRecording(other.page, { file, log });
    await sleep(2_300);
    const [pid] = pool.browserPids(other.browserId);
    if (pid === undefined) throw new Error('no pid for the bot browser');
    expect(pool.browserPids(bot.browserId)).not.toContain(pid);
    process.kill(pid, 'SIGKILL');
    await other.crashed;
    const result = await recording.stop();
    expect(result.bytes).toBeGreaterThan(0);
    expect(result.durationMs).toBeGreaterThan(800);
    expect(await probeDuration(file)).toBeGreaterThan(0.8);
    await other.release();
  });

  it('discard() stops and deletes the file', async () => {
    const file = join(dir, 'discarded.webm');
    const recording = await startRecording(bot.page, { file, log });
    await sleep(1_200);
    await recording.discard();
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });

  it('counts the remote audio tracks that reach the page, and which of them receive media', async () => {
    const [talker, listener] = [await pool.acquire(), await pool.acquire({ prepare: prepareAudioCapture })];
    await Promise.all([talker.page.goto(served.url), listener.page.goto(served.url)]);
    const recording = await startRecording(listener.page, { file: join(dir, 'reception.webm'), log });
    expect(await recording.reception()).toEqual({ tracks: 0, unmuted: 0 });
    // A call whose audio never comes (a deaf bot): the track is there, muted, since no RTP ever arrived for it.
    await connectNothing(sender.page, listener.page);
    expect(await until(() => recording.reception(), (r) => r?.tracks === 1)).toEqual({ tracks: 1, unmuted: 0 });
    await connectTone(talker.page, listener.page);
    expect(await until(() => recording.reception(), (r) => r?.unmuted === 1)).toEqual({ tracks: 2, unmuted: 1 });
    await recording.discard();
    await Promise.all([talker.release(), listener.release()]);
  });

  it('refuses a page whose context was not prepared', async () => {
    await expect(startRecording(sender.page, { file: join(dir, 'x.webm'), log })).rejects.toThrow(/prepareAudioCapture/);
  });
});

describe('audioShortfall', () => {
  it('tolerates chunking slack and flags audio lost to a starved clock', () => {
    expect(audioShortfall(12_000, 11_950)).toBe(false);
    expect(audioShortfall(12_000, 11_100)).toBe(false);
    expect(audioShortfall(12_000, 10_900)).toBe(true);
    expect(audioShortfall(60_000, 57_500)).toBe(false);
    expect(audioShortfall(60_000, 56_000)).toBe(true);
  });
});
