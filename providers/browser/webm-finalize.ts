import { open, readFile, rename, rm } from 'node:fs/promises';
import {
  Id,
  element,
  encodeId,
  encodeVint,
  floatElement,
  readElementHeader,
  readUint,
  readVint,
  segmentLevelIds,
  uintElement,
  type ElementHeader,
} from './ebml.js';

/**
 * MediaRecorder writes WebM live: Segment and Clusters of unknown size, no Duration, no Cues, so players
 * show no length and cannot seek. This rewrites such a file with known sizes, a Duration, a SeekHead and
 * Cues, in plain TypeScript so Quorum needs no ffmpeg at runtime.
 */

type Span = readonly [start: number, end: number];

interface ClusterPlan {
  timecode: number;
  /** Track of the cluster's first block, the one its CuePoint names. */
  track: number;
  children: Span[];
  size: number;
}

interface ParsedWebm {
  ebmlHeader: Span;
  infoChildren: Span[];
  timecodeScale: number;
  tracks: Span;
  others: Span[];
  clusters: ClusterPlan[];
  /** End of the last block in TimecodeScale units. */
  endTime: number;
}

/** Last two block start times per track: their gap stands in for the last block's own duration. */
type BlockTimes = Map<number, { last: number; prev: number | undefined }>;

const defaultTimecodeScale = 1_000_000;

function noteBlock(buf: Buffer, dataStart: number, clusterTime: number, times: BlockTimes): number | undefined {
  const track = readVint(buf, dataStart);
  if (!track || dataStart + track.length + 2 > buf.length) return undefined;
  const time = clusterTime + buf.readInt16BE(dataStart + track.length);
  const seen = times.get(track.value);
  times.set(track.value, { last: time, prev: seen?.last });
  return track.value;
}

function blockInGroup(buf: Buffer, group: ElementHeader, end: number): number | undefined {
  let pos = group.dataStart;
  while (pos < end) {
    const child = readElementHeader(buf, pos);
    if (!child || child.size === undefined) return undefined;
    if (child.id === Id.Block) return child.dataStart;
    pos = child.dataStart + child.size;
  }
  return undefined;
}

/**
 * Reads one Cluster. Unknown size: it ends at the next Segment-level id. A child running past the end of
 * the file (a recording cut short by a crash) is dropped with everything after it.
 */
function parseCluster(buf: Buffer, header: ElementHeader, times: BlockTimes): { plan: ClusterPlan; end: number } {
  const known = header.size !== undefined;
  const limit = known ? Math.min(header.dataStart + (header.size ?? 0), buf.length) : buf.length;
  const plan: ClusterPlan = { timecode: 0, track: 0, children: [], size: 0 };
  let pos = header.dataStart;
  while (pos < limit) {
    const child = readElementHeader(buf, pos);
    if (!child || (!known && segmentLevelIds.has(child.id))) break;
    const childEnd = child.size === undefined ? Infinity : child.dataStart + child.size;
    if (childEnd > limit) {
      pos = buf.length;
      break;
    }
    pos = childEnd;
    if (child.id === Id.Position || child.id === Id.PrevSize) continue;
    if (child.id === Id.Timecode) plan.timecode = readUint(buf, child.dataStart, childEnd);
    const blockStart =
      child.id === Id.SimpleBlock ? child.dataStart : child.id === Id.BlockGroup ? blockInGroup(buf, child, childEnd) : undefined;
    if (blockStart !== undefined) {
      const track = noteBlock(buf, blockStart, plan.timecode, times);
      if (plan.track === 0 && track !== undefined) plan.track = track;
    }
    plan.children.push([child.start, childEnd]);
    plan.size += childEnd - child.start;
  }
  const end = known && header.dataStart + (header.size ?? 0) <= buf.length ? header.dataStart + (header.size ?? 0) : pos;
  return { plan, end };
}

function parseInfo(buf: Buffer, header: ElementHeader, end: number): { children: Span[]; timecodeScale: number } {
  const children: Span[] = [];
  let timecodeScale = defaultTimecodeScale;
  let pos = header.dataStart;
  while (pos < end) {
    const child = readElementHeader(buf, pos);
    if (!child || child.size === undefined) throw new Error('malformed WebM Info');
    const childEnd = child.dataStart + child.size;
    if (child.id === Id.TimecodeScale) timecodeScale = readUint(buf, child.dataStart, childEnd);
    if (child.id !== Id.Duration) children.push([child.start, childEnd]);
    pos = childEnd;
  }
  return { children, timecodeScale };
}

function endTimeOf(times: BlockTimes): number {
  let endTime = 0;
  for (const { last, prev } of times.values()) {
    endTime = Math.max(endTime, last + (prev === undefined ? 0 : last - prev));
  }
  return endTime;
}

function parseSegmentChildren(buf: Buffer, start: number, end: number): Omit<ParsedWebm, 'ebmlHeader'> {
  const times: BlockTimes = new Map();
  const parsed: Omit<ParsedWebm, 'ebmlHeader' | 'tracks'> & { tracks?: Span } = {
    infoChildren: [],
    timecodeScale: defaultTimecodeScale,
    others: [],
    clusters: [],
    endTime: 0,
  };
  let pos = start;
  while (pos < end) {
    const header = readElementHeader(buf, pos);
    if (!header) break;
    if (header.id === Id.Cluster) {
      const { plan, end: clusterEnd } = parseCluster(buf, header, times);
      if (plan.track !== 0) parsed.clusters.push(plan);
      pos = clusterEnd;
      continue;
    }
    if (header.size === undefined) throw new Error(`unknown-size WebM element 0x${header.id.toString(16)}`);
    const elementEnd = header.dataStart + header.size;
    if (elementEnd > buf.length) break;
    if (header.id === Id.Info) {
      const info = parseInfo(buf, header, elementEnd);
      parsed.infoChildren = info.children;
      parsed.timecodeScale = info.timecodeScale;
    } else if (header.id === Id.Tracks) {
      parsed.tracks = [header.start, elementEnd];
    } else if (header.id !== Id.SeekHead && header.id !== Id.Cues && header.id !== Id.Void) {
      parsed.others.push([header.start, elementEnd]);
    }
    pos = elementEnd;
  }
  if (!parsed.tracks) throw new Error('WebM has no Tracks');
  return { ...parsed, tracks: parsed.tracks, endTime: endTimeOf(times) };
}

function parseWebm(buf: Buffer): ParsedWebm {
  const ebml = readElementHeader(buf, 0);
  if (!ebml || ebml.id !== Id.EBML || ebml.size === undefined) throw new Error('not a WebM file');
  const ebmlEnd = ebml.dataStart + ebml.size;
  const segment = readElementHeader(buf, ebmlEnd);
  if (!segment || segment.id !== Id.Segment) throw new Error('WebM has no Segment');
  const segmentEnd = segment.size === undefined ? buf.length : Math.min(buf.length, segment.dataStart + segment.size);
  return { ebmlHeader: [0, ebmlEnd], ...parseSegmentChildren(buf, segment.dataStart, segmentEnd) };
}

function seekHead(positions: ReadonlyArray<readonly [number, number]>): Buffer {
  // Positions are written 8 bytes wide so the SeekHead's size does not depend on them.
  const seeks = positions.map(([id, pos]) =>
    element(Id.Seek, element(Id.SeekID, encodeId(id)), uintElement(Id.SeekPosition, pos, 8)),
  );
  return element(Id.SeekHead, ...seeks);
}

function clusterHeader(size: number): Buffer {
  return Buffer.concat([encodeId(Id.Cluster), encodeVint(size, 8)]);
}

/** Lays out the new Segment body; returns the pieces in file order (raw spans are copied from the input). */
function layout(buf: Buffer, webm: ParsedWebm): Array<Buffer | Span> {
  const span = ([start, end]: Span): number => end - start;
  const info = element(Id.Info, ...webm.infoChildren.map(([s, e]) => buf.subarray(s, e)), floatElement(Id.Duration, webm.endTime));
  const headLength = seekHead([[Id.Info, 0], [Id.Tracks, 0], [Id.Cues, 0]]).length;
  const infoPos = headLength;
  const tracksPos = infoPos + info.length;
  let offset = tracksPos + span(webm.tracks) + webm.others.reduce((sum, other) => sum + span(other), 0);
  const cuePoints: Buffer[] = [];
  const clusterPieces: Array<Buffer | Span> = [];
  for (const cluster of webm.clusters) {
    cuePoints.push(
      element(
        Id.CuePoint,
        uintElement(Id.CueTime, cluster.timecode),
        element(Id.CueTrackPositions, uintElement(Id.CueTrack, cluster.track), uintElement(Id.CueClusterPosition, offset)),
      ),
    );
    const header = clusterHeader(cluster.size);
    clusterPieces.push(header, ...cluster.children);
    offset += header.length + cluster.size;
  }
  const head = seekHead([[Id.Info, infoPos], [Id.Tracks, tracksPos], [Id.Cues, offset]]);
  return [head, info, webm.tracks, ...webm.others, ...clusterPieces, element(Id.Cues, ...cuePoints)];
}

async function writePieces(buf: Buffer, target: string, header: Span, body: Array<Buffer | Span>): Promise<void> {
  const pieces = body.map((piece) => (Buffer.isBuffer(piece) ? piece : buf.subarray(piece[0], piece[1])));
  const bodyLength = pieces.reduce((sum, piece) => sum + piece.length, 0);
  const handle = await open(target, 'w');
  try {
    const segmentHeader = Buffer.concat([encodeId(Id.Segment), encodeVint(bodyLength, 8)]);
    await handle.write(Buffer.concat([buf.subarray(header[0], header[1]), segmentHeader]));
    // Batching keeps the number of writes low: a cluster is hundreds of small blocks.
    let batch: Buffer[] = [];
    let batchLength = 0;
    for (const piece of pieces) {
      batch.push(piece);
      batchLength += piece.length;
      if (batchLength >= 1 << 20) {
        await handle.write(Buffer.concat(batch));
        batch = [];
        batchLength = 0;
      }
    }
    if (batch.length > 0) await handle.write(Buffer.concat(batch));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Rewrites a live-recorded WebM in place (temp file + rename) so it has a duration and can be seeked. */
export async function finalizeWebm(file: string): Promise<{ durationMs: number }> {
  const buf = await readFile(file);
  const webm = parseWebm(buf);
  const temp = `${file}.finalize-tmp`;
  try {
    await writePieces(buf, temp, webm.ebmlHeader, layout(buf, webm));
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { durationMs: Math.round((webm.endTime * webm.timecodeScale) / 1_000_000) };
}
