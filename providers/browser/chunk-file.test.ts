import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChunkFile } from './audio-capture.js';

const log = pino({ level: 'silent' });

describe('the recording file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quorum-chunks-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the first failed write once, counts only bytes on disk, and writes nothing after it', async () => {
    const file = join(dir, 'audio.webm');
    const handle = await open(file, 'w');
    const chunks = new ChunkFile(handle, log);
    let reported = 0;
    void chunks.failed.then(() => (reported += 1));
    await chunks.append(Buffer.alloc(100, 1));
    expect(chunks.bytes).toBe(100);
    expect(chunks.failure).toBeUndefined();

    // The descriptor goes away under the writer, as a failing disk would: every write from here fails.
    await handle.close();
    await chunks.append(Buffer.alloc(50, 2));
    await chunks.append(Buffer.alloc(50, 3));
    const failure = await chunks.failed;
    expect(failure).toBeInstanceOf(Error);
    expect(chunks.failure).toBe(failure);
    expect(chunks.bytes).toBe(100);
    expect(reported).toBe(1);
    expect(await readFile(file)).toEqual(Buffer.alloc(100, 1));
  });

  it('fails on a full disk (/dev/full) with ENOSPC and counts nothing', async () => {
    const chunks = new ChunkFile(await open('/dev/full', 'w'), log);
    await chunks.append(Buffer.alloc(10, 1));
    expect(((await chunks.failed) as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(chunks.bytes).toBe(0);
    await chunks.close();
  });
});
