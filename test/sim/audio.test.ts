import { describe, expect, it } from 'vitest';
import { askToJoin, eventTypes, waitForEvent, withSimulator } from './helpers.js';

/**
 * Installed before any page script, the way a bot's recorder hooks RTCPeerConnection from outside.
 * A string, not a function: vitest's transform would rewrite a function's source.
 */
const levelProbe = String.raw`(() => {
  const Native = window.RTCPeerConnection;
  window.__probe = { tracks: 0, peakDb: -Infinity, heardMs: 0, silentRunMs: 0, maxSilentMs: 0 };
  class Probed extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('track', (event) => {
        if (event.track.kind !== 'audio') return;
        window.__probe.tracks += 1;
        const ctx = new AudioContext();
        const analyser = ctx.createAnalyser();
        analyser.fftSize = 2048;
        ctx.createMediaStreamSource(new MediaStream([event.track])).connect(analyser);
        const buf = new Float32Array(analyser.fftSize);
        setInterval(() => {
          analyser.getFloatTimeDomainData(buf);
          let sum = 0;
          for (const v of buf) sum += v * v;
          const db = 20 * Math.log10(Math.sqrt(sum / buf.length) || 1e-9);
          const p = window.__probe;
          if (db > p.peakDb) p.peakDb = db;
          if (p.peakDb <= -50) return;
          p.heardMs += 50;
          p.silentRunMs = db < -50 ? p.silentRunMs + 50 : 0;
          p.maxSilentMs = Math.max(p.maxSilentMs, p.silentRunMs);
        }, 50);
      });
    }
  }
  window.RTCPeerConnection = Probed;
})();`;

interface Probe {
  tracks: number;
  peakDb: number;
  /** Time since the first sound, and the longest stretch below -50 dBFS in it. */
  heardMs: number;
  maxSilentMs: number;
}

const fixture = withSimulator();

describe('participants send real WebRTC audio', () => {
  it('delivers a speaking participant\'s audio to the admitted bot, and only after the recording notice is accepted', async () => {
    const { id, joinUrl } = await fixture.sim().createMeeting('meet', {
      access: 'open',
      recordingNotice: true,
      participants: [{ name: 'Ada' }, { name: 'Quiet Bob', speaks: false }],
    });
    const context = await fixture.browser().newContext();
    await context.addInitScript({ content: levelProbe });
    const page = await context.newPage();
    await askToJoin(page, joinUrl);
    await page.locator('button[aria-label="People - 3 joined"]').waitFor({ state: 'attached' });
    const probe = (): Promise<Probe> => page.evaluate('window.__probe') as Promise<Probe>;

    // Meet holds the call's media behind the recording notice.
    await page.waitForTimeout(1500);
    expect((await probe()).tracks).toBe(0);
    expect(eventTypes(fixture.sim(), id)).not.toContain('audio_connected');

    await page.locator('//button[.//span[text()="Join now"]]').click();
    await waitForEvent(fixture.sim(), id, 'audio_connected');
    await expect.poll(async () => (await probe()).peakDb, { timeout: 10_000 }).toBeGreaterThan(-50);
    await expect.poll(async () => (await probe()).heardMs, { timeout: 10_000 }).toBeGreaterThan(3000);
    const probed = await probe();
    expect(probed.tracks).toBe(1);
    // Speech-like: pauses between bursts, but never a silence a bot could take for an empty meeting.
    expect(probed.maxSilentMs).toBeGreaterThan(0);
    expect(probed.maxSilentMs).toBeLessThan(1000);
    const connected = fixture.sim().getMeeting(id)?.events.filter((e) => e.type === 'audio_connected').map((e) => e.name);
    expect(connected).toEqual(['Ada']);

    fixture.sim().act(id, { type: 'participant_leave', name: 'Ada' });
    await page.locator('button[aria-label="People - 2 joined"]').waitFor({ state: 'attached' });
    await expect.poll(() => page.locator('audio[data-peer]').count()).toBe(0);
    await context.close();
    await waitForEvent(fixture.sim(), id, 'bot_left');
  });
});
