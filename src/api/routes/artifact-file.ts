import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';

/**
 * An artifact's file as the download route sends it, with byte ranges so the console's audio player and a long
 * MP4 can seek (a browser's media element asks for `Range: bytes=N-` and cannot seek without a 206).
 */

/** The bytes to send, both ends included. */
export interface ByteRange {
  start: number;
  end: number;
}

export type ArtifactFile =
  /** Not on this machine's disk (workers on separate disks keep their files on theirs). */
  | { status: 404 }
  | { status: 416; size: number }
  | { status: 200 | 206; size: number; range: ByteRange; length: number; body: Readable };

/**
 * Reads a `Range` header against a file of `size` bytes. `undefined`: send the whole file (no header, or one the
 * server may ignore: another unit, a malformed or reversed range, several ranges; RFC 9110 §14.2);
 * `'unsatisfiable'`: a range that starts at or past the end, or a suffix of nothing (416).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = header === undefined ? null : /^bytes=[ \t]*(\d*)-(\d*)[ \t]*$/i.exec(header);
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // The last N bytes (all of a shorter file); the last 0 bytes, or any bytes of an empty file, are none.
    const suffix = Number(last);
    return suffix === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/**
 * Opens `path` and picks what to send for `rangeHeader`. `headersOnly` (a HEAD request) reads no bytes: Fastify
 * drains a stream it does not send, which for a long MP4 is the whole file.
 */
export async function openArtifactFile(path: string, rangeHeader: string | undefined, headersOnly = false): Promise<ArtifactFile> {
  // One open file from stat to stream: a file deleted in between is still sent whole, never cut short.
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isMissing(error)) return { status: 404 };
    throw error;
  }
  let streaming = false;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { status: 404 };
    const size = stats.size;
    const range = parseRange(rangeHeader, size);
    if (range === 'unsatisfiable') return { status: 416, size };
    const bytes = range ?? { start: 0, end: size - 1 };
    const length = bytes.end - bytes.start + 1;
    const status = range ? 206 : 200;
    if (length === 0 || headersOnly) return { status, size, range: bytes, length, body: Readable.from([]) };
    // The stream closes the file when it ends, fails, or the client goes away.
    streaming = true;
    return { status, size, range: bytes, length, body: handle.createReadStream({ start: bytes.start, end: bytes.end }) };
  } finally {
    if (!streaming) await handle.close();
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
