import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';

/*
 * Test support only (Quorum itself never needs ffmpeg). A participant page that sends a 440 Hz tone over real WebRTC to a bot page, with the
 * signalling relayed through Node and no STUN (host candidates on loopback). Both pages must have opened
 * `servePage()`'s URL so the bot's init scripts ran and both are secure contexts.
 */

const run = promisify(execFile);

const pageHtml = '<!doctype html><html><head><title>quorum tone call</title></head><body>tone call</body></html>';

export interface ServedPage {
  url: string;
  close(): Promise<void>;
}

/** Serves one blank HTML page on 127.0.0.1 (a secure context, so WebRTC and MediaRecorder work). */
export async function servePage(): Promise<ServedPage> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(pageHtml);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const waitForGathering = `
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });`;

/** Tone in bursts (400 ms on, 100 ms off, -9 dBFS) so the level moves the way speech does. */
const senderOffer = `(async () => {
  const ctx = new AudioContext();
  await ctx.resume();
  const osc = ctx.createOscillator();
  osc.frequency.value = 440;
  const gain = ctx.createGain();
  gain.gain.value = 0;
  for (let t = 0; t < 120; t += 0.5) {
    gain.gain.setValueAtTime(0.5, ctx.currentTime + t);
    gain.gain.setValueAtTime(0, ctx.currentTime + t + 0.4);
  }
  const destination = ctx.createMediaStreamDestination();
  osc.connect(gain).connect(destination);
  osc.start();
  const pc = new RTCPeerConnection();
  for (const track of destination.stream.getAudioTracks()) pc.addTrack(track, destination.stream);
  window.__toneCall = { ctx, pc };
  await pc.setLocalDescription(await pc.createOffer());
  ${waitForGathering}
  return JSON.stringify(pc.localDescription);
})()`;

function receiverAnswer(offer: string): string {
  return `(async () => {
    const pc = new RTCPeerConnection();
    window.__toneCall = { pc };
    await pc.setRemoteDescription(${offer});
    await pc.setLocalDescription(await pc.createAnswer());
    ${waitForGathering}
    return JSON.stringify(pc.localDescription);
  })()`;
}

const connected = `new Promise((resolve, reject) => {
  const pc = window.__toneCall.pc;
  const check = () => {
    if (pc.connectionState === 'connected') resolve(true);
    if (pc.connectionState === 'failed') reject(new Error('WebRTC connection failed'));
  };
  pc.addEventListener('connectionstatechange', check);
  check();
})`;

/** Connects `sender` (plays the tone) to `receiver` (the bot) and waits until media flows. */
export async function connectTone(sender: Page, receiver: Page): Promise<void> {
  const offer = (await sender.evaluate(senderOffer)) as string;
  const answer = (await receiver.evaluate(receiverAnswer(offer))) as string;
  await sender.evaluate(`window.__toneCall.pc.setRemoteDescription(${answer})`);
  await Promise.all([sender.evaluate(connected), receiver.evaluate(connected)]);
}

/** ffprobe's container duration in seconds, or NaN when it reports none ("N/A"). */
export async function probeDuration(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

/** Decodes the whole file (from `seekSeconds` when given); returns ffmpeg's mean_volume in dB. */
export async function meanVolume(file: string, seekSeconds?: number): Promise<number> {
  const seek = seekSeconds === undefined ? [] : ['-ss', String(seekSeconds)];
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-xerror', ...seek, '-i', file, '-af', 'volumedetect', '-f', 'null', '-']);
  const match = /mean_volume: (-?[\d.]+) dB/.exec(stderr);
  if (!match?.[1]) throw new Error(`no mean_volume in ffmpeg output: ${stderr}`);
  return Number(match[1]);
}
