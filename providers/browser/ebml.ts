/** EBML (Matroska/WebM) primitives: variable-length integers, element headers and encoders. */

/** Element ids, marker bits included, as the Matroska spec writes them. */
export const Id = {
  EBML: 0x1a45dfa3,
  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Seek: 0x4dbb,
  SeekID: 0x53ab,
  SeekPosition: 0x53ac,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  Tracks: 0x1654ae6b,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  Position: 0xa7,
  PrevSize: 0xab,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
  Cues: 0x1c53bb6b,
  CuePoint: 0xbb,
  CueTime: 0xb3,
  CueTrackPositions: 0xb7,
  CueTrack: 0xf7,
  CueClusterPosition: 0xf1,
  Void: 0xec,
  Tags: 0x1254c367,
  Chapters: 0x1043a770,
  Attachments: 0x1941a469,
} as const;

/** Children of Segment: an unknown-size Cluster ends where the next one of these starts. */
export const segmentLevelIds: ReadonlySet<number> = new Set([
  Id.SeekHead,
  Id.Info,
  Id.Tracks,
  Id.Cluster,
  Id.Cues,
  Id.Tags,
  Id.Chapters,
  Id.Attachments,
]);

export interface Vint {
  /** The value with the length marker removed; meaningless when `unknown`. */
  value: number;
  length: number;
  /** All value bits set: the reserved "unknown size" of a live-written element. */
  unknown: boolean;
}

/** Number of bytes of a vint from its first byte, or 0 when the byte cannot start one. */
function vintLength(first: number): number {
  for (let length = 1; length <= 8; length += 1) {
    if (first & (0x80 >> (length - 1))) return length;
  }
  return 0;
}

/** Reads a size vint at `pos`; undefined when it is malformed or runs past the buffer. */
export function readVint(buf: Uint8Array, pos: number): Vint | undefined {
  const first = buf[pos];
  if (first === undefined) return undefined;
  const length = vintLength(first);
  if (length === 0 || pos + length > buf.length) return undefined;
  const firstBits = first & (0xff >> length);
  let value = firstBits;
  let allOnes = firstBits === 0xff >> length;
  for (let i = 1; i < length; i += 1) {
    const byte = buf[pos + i] ?? 0;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { value, length, unknown: allOnes };
}

/** Reads an element id (1 to 4 bytes, marker kept); undefined when malformed or truncated. */
export function readId(buf: Uint8Array, pos: number): { id: number; length: number } | undefined {
  const first = buf[pos];
  if (first === undefined) return undefined;
  const length = vintLength(first);
  if (length === 0 || length > 4 || pos + length > buf.length) return undefined;
  let id = 0;
  for (let i = 0; i < length; i += 1) id = id * 256 + (buf[pos + i] ?? 0);
  return { id, length };
}

export interface ElementHeader {
  id: number;
  /** Offset of the element's first id byte. */
  start: number;
  /** Offset of the element's data. */
  dataStart: number;
  /** Data size; undefined for unknown size. */
  size: number | undefined;
}

/** Reads an element header at `pos`; undefined when the header itself is malformed or truncated. */
export function readElementHeader(buf: Uint8Array, pos: number): ElementHeader | undefined {
  const id = readId(buf, pos);
  if (!id) return undefined;
  const size = readVint(buf, pos + id.length);
  if (!size) return undefined;
  return {
    id: id.id,
    start: pos,
    dataStart: pos + id.length + size.length,
    size: size.unknown ? undefined : size.value,
  };
}

/** Encodes a size vint; `length` forces a width (the writer uses 8 for sizes it patches later). */
export function encodeVint(value: number, length?: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`vint out of range: ${value}`);
  // A width's all-ones value is reserved for "unknown size", hence 2^(7n) - 2 as the largest plain value.
  let width = length ?? 1;
  while (length === undefined && value > 2 ** (7 * width) - 2) width += 1;
  if (width > 8 || value > 2 ** (7 * width) - 2) throw new RangeError(`vint ${value} does not fit ${width} bytes`);
  const out = Buffer.alloc(width);
  let rest = value;
  for (let i = width - 1; i >= 0; i -= 1) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  out[0] = (out[0] ?? 0) | (0x80 >> (width - 1));
  return out;
}

export function encodeId(id: number): Buffer {
  const length = id > 0xffffff ? 4 : id > 0xffff ? 3 : id > 0xff ? 2 : 1;
  const out = Buffer.alloc(length);
  out.writeUIntBE(id, 0, length);
  return out;
}

export function readUint(buf: Uint8Array, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i += 1) value = value * 256 + (buf[i] ?? 0);
  return value;
}

export function encodeUint(value: number, width?: number): Buffer {
  let length = width ?? 1;
  while (width === undefined && value >= 2 ** (8 * length)) length += 1;
  const out = Buffer.alloc(length);
  let rest = value;
  for (let i = length - 1; i >= 0; i -= 1) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return out;
}

/** One whole element: id, size and data. */
export function element(id: number, ...data: Buffer[]): Buffer {
  const body = Buffer.concat(data);
  return Buffer.concat([encodeId(id), encodeVint(body.length), body]);
}

export function uintElement(id: number, value: number, width?: number): Buffer {
  return element(id, encodeUint(value, width));
}

export function floatElement(id: number, value: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeDoubleBE(value);
  return element(id, body);
}
