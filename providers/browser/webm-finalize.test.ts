import { copyFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Id, readElementHeader, readUint, type ElementHeader } from './ebml.js';
import { baseChromiumArgs } from './flags.js';
import { meanVolume, probeDuration, servePage } from './test-support.js';
import { finalizeWebm } from './webm-finalize.js';

/** Records `seconds` of a 440 Hz tone with MediaRecorder exactly as the capture does (1 s timeslice). */
const recordTone = (seconds: number): string => `(async () => {
  const ctx = new AudioContext();
  await ctx.resume();
  const osc = ctx.createOscillator();
  osc.frequency.value = 440;
  const destination = ctx.createMediaStreamDestination();
  osc.connect(destination);
  osc.start();
  const recorder = new MediaRecorder(destination.stream, { mimeType: 'audio/webm;codecs=opus' });
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  recorder.start(1000);
  await new Promise((resolve) => setTimeout(resolve, ${seconds * 1000}));
  await new Promise((resolve) => { recorder.onstop = resolve; recorder.stop(); });
  const data = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let text = '';
  for (const byte of data) text += String.fromCharCode(byte);
  return btoa(text);
})()`;

function childrenOf(buf: Buffer, parent: ElementHeader): ElementHeader[] {
  const children: ElementHeader[] = [];
  let pos = parent.dataStart;
  const end = parent.size === undefined ? buf.length : parent.dataStart + parent.size;
  while (pos < end) {
    const header = readElementHeader(buf, pos);
    if (!header || header.size === undefined) break;
    children.push(header);
    pos = header.dataStart + header.size;
  }
  return children;
}

function uintChild(buf: Buffer, parent: ElementHeader, id: number): number | undefined {
  const child = childrenOf(buf, parent).find((candidate) => candidate.id === id);
  return child && readUint(buf, child.dataStart, child.dataStart + (child.size ?? 0));
}

/** Whether every child of every Cluster ends inside it, exactly filling it (no cut-off block kept). */
function clustersIntact(buf: Buffer, top: ElementHeader[]): boolean {
  return top
    .filter((child) => child.id === Id.Cluster)
    .every((cluster) => {
      const last = childrenOf(buf, cluster).at(-1);
      return last !== undefined && last.dataStart + (last.size ?? 0) === cluster.dataStart + (cluster.size ?? 0);
    });
}

interface Layout {
  ids: number[];
  exactSize: boolean;
  clustersIntact: boolean;
  seekTargets: number[];
  cueTargets: number[];
}

/** Segment-level ids, whether sizes add up, and where the SeekHead and Cues point. */
function layoutOf(buf: Buffer): Layout {
  const ebml = readElementHeader(buf, 0);
  const segment = ebml && readElementHeader(buf, ebml.dataStart + (ebml.size ?? 0));
  if (!segment || segment.size === undefined) return { ids: [], exactSize: false, clustersIntact: false, seekTargets: [], cueTargets: [] };
  const top = childrenOf(buf, segment);
  const last = top.at(-1);
  const idAt = (position: number | undefined): number =>
    position === undefined ? -1 : (readElementHeader(buf, segment.dataStart + position)?.id ?? -1);
  const seeks = top.filter((child) => child.id === Id.SeekHead).flatMap((head) => childrenOf(buf, head));
  const cuePoints = top.filter((child) => child.id === Id.Cues).flatMap((cues) => childrenOf(buf, cues));
  return {
    ids: top.map((child) => child.id),
    exactSize: segment.dataStart + segment.size === buf.length && last?.dataStart !== undefined
      && last.dataStart + (last.size ?? 0) === buf.length,
    clustersIntact: clustersIntact(buf, top),
    seekTargets: seeks.map((seek) => idAt(uintChild(buf, seek, Id.SeekPosition))),
    cueTargets: cuePoints.map((point) => {
      const positions = childrenOf(buf, point).find((child) => child.id === Id.CueTrackPositions);
      return positions ? idAt(uintChild(buf, positions, Id.CueClusterPosition)) : -1;
    }),
  };
}

describe('finalizeWebm on a MediaRecorder file', () => {
  let dir: string;
  let raw: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quorum-webm-'));
    raw = join(dir, 'raw.webm');
    const served = await servePage();
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...baseChromiumArgs] });
    try {
      const page = await browser.newPage();
      await page.goto(served.url);
      await writeFile(raw, Buffer.from((await page.evaluate(recordTone(4))) as string, 'base64'));
    } finally {
      await browser.close();
      await served.close();
    }
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the file a duration, known sizes, a SeekHead and Cues', async () => {
    expect(await probeDuration(raw)).toBeNaN();
    const file = join(dir, 'final.webm');
    await copyFile(raw, file);
    const { durationMs } = await finalizeWebm(file);
    expect(Math.abs(durationMs - 4_000)).toBeLessThan(400);
    expect(Math.abs((await probeDuration(file)) * 1000 - durationMs)).toBeLessThan(25);
    const { ids, exactSize, seekTargets, cueTargets, ...rest } = layoutOf(await readFile(file));
    expect(exactSize).toBe(true);
    expect(rest.clustersIntact).toBe(true);
    expect(ids.slice(0, 3)).toEqual([Id.SeekHead, Id.Info, Id.Tracks]);
    expect(ids.at(-1)).toBe(Id.Cues);
    const clusters = ids.filter((id) => id === Id.Cluster).length;
    expect(clusters).toBeGreaterThanOrEqual(3);
    expect(seekTargets).toEqual([Id.Info, Id.Tracks, Id.Cues]);
    expect(cueTargets).toEqual(new Array<number>(clusters).fill(Id.Cluster));
  });

  it('can be seeked into and decoded from the middle', async () => {
    const file = join(dir, 'seek.webm');
    await copyFile(raw, file);
    await finalizeWebm(file);
    expect(await meanVolume(file, 2)).toBeGreaterThan(-20);
  });

  it('is idempotent', async () => {
    const file = join(dir, 'twice.webm');
    await copyFile(raw, file);
    await finalizeWebm(file);
    const once = await readFile(file);
    await finalizeWebm(file);
    expect((await readFile(file)).equals(once)).toBe(true);
  });

  it('keeps the complete blocks of a file cut off mid-cluster', async () => {
    const file = join(dir, 'cut.webm');
    await copyFile(raw, file);
    const full = (await readFile(raw)).length;
    await truncate(file, Math.floor(full * 0.6) + 3);
    const { durationMs } = await finalizeWebm(file);
    expect(durationMs).toBeGreaterThan(1_500);
    expect(durationMs).toBeLessThan(3_500);
    expect(Math.abs((await probeDuration(file)) * 1000 - durationMs)).toBeLessThan(25);
    expect(layoutOf(await readFile(file))).toMatchObject({ exactSize: true, clustersIntact: true });
    expect(await meanVolume(file)).toBeGreaterThan(-20);
  });

  it('rejects a file that is not WebM', async () => {
    const file = join(dir, 'not.webm');
    await writeFile(file, 'hello');
    await expect(finalizeWebm(file)).rejects.toThrow(/not a WebM/);
  });
});
