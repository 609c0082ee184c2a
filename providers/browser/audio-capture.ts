import { randomUUID } from 'node:crypto';
import { mkdir, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { Logger } from 'pino';
import { captureGlobal, captureScript, chunkBinding } from './capture-script.js';
import { finalizeWebm } from './webm-finalize.js';

export interface RecordingResult {
  file: string;
  durationMs: number;
  bytes: number;
  /** Why the file could not be written (a chunk or the finalize): it holds only what was written before. */
  writeError?: string;
}

/** The remote audio tracks the page holds (still live), and how many of them receive media (not muted). */
export interface Reception {
  tracks: number;
  unmuted: number;
}

export interface ActiveRecording {
  /** Current RMS level of the incoming mix in dBFS (-Infinity for digital silence); undefined if the page is gone. */
  levelDb(): Promise<number | undefined>;
  /** What reaches the page now (one cheap page call); undefined if the page is gone or does not answer. */
  reception(): Promise<Reception | undefined>;
  /** Epoch ms when the mix was last above about -50 dBFS; the recording's start until then. */
  lastSoundAt(): number;
  /** Epoch ms when the mix was first above that level; undefined while the bot has heard nothing (a deaf bot). */
  firstSoundAt(): number | undefined;
  /** Bytes written to the file so far. */
  bytes(): number;
  /**
   * Resolves with the first error writing the file (disk full, read-only, ...): nothing after it is recorded,
   * so the bot should leave. Never rejects; stays pending while writes succeed.
   */
  readonly failed: Promise<Error>;
  /** Flushes the last chunk and finalizes the file; works (on what is on disk) when the page already died. */
  stop(): Promise<RecordingResult>;
  /** Stops and deletes the file. */
  discard(): Promise<void>;
}

export interface StartRecordingOptions {
  file: string;
  log: Logger;
}

type ChunkSink = (data: Buffer, lastSoundAt: number) => Promise<void>;

/** Recordings of each prepared context, by the id the page sends back with every chunk. */
const sinksByContext = new WeakMap<BrowserContext, Map<string, ChunkSink>>();

const pageCallTimeoutMs = 5_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Installs the capture in a bot's context. Call before any page navigates: the init script has to wrap
 * RTCPeerConnection before the meeting client creates one.
 */
export async function prepareAudioCapture(context: BrowserContext): Promise<void> {
  if (sinksByContext.has(context)) return;
  const sinks = new Map<string, ChunkSink>();
  sinksByContext.set(context, sinks);
  await context.exposeBinding(chunkBinding, async (_source, id: unknown, data: unknown, lastSoundAt: unknown) => {
    const sink = typeof id === 'string' ? sinks.get(id) : undefined;
    if (!sink || typeof data !== 'string') return;
    await sink(Buffer.from(data, 'base64'), typeof lastSoundAt === 'number' ? lastSoundAt : 0);
  });
  await context.addInitScript({ content: captureScript });
}

/**
 * Appends chunks to the file in arrival order, so a crash loses only what was still in the page. The first
 * write that fails ends the file there: later chunks would leave a hole in the audio, and a full disk stays full.
 */
export class ChunkFile {
  /** Bytes on disk: counted once written, never for a chunk that failed. */
  bytes = 0;
  failure: Error | undefined;
  readonly failed: Promise<Error>;
  private reportFailure: (error: Error) => void = () => undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly log: Logger,
  ) {
    this.failed = new Promise((resolve) => (this.reportFailure = resolve));
  }

  append(data: Buffer): Promise<void> {
    if (this.closed || this.failure) return Promise.resolve();
    this.writing = this.writing.then(async () => {
      if (this.failure) return;
      try {
        await this.writeAll(data);
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
        this.log.error({ err: error, bytes: this.bytes }, 'writing audio chunk failed; the recording ends here');
        this.reportFailure(this.failure);
      }
    });
    return this.writing;
  }

  /** A write may be short (a disk filling up mid-chunk): write the rest, which then fails with the reason. */
  private async writeAll(data: Buffer): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await this.handle.write(data, offset);
      if (bytesWritten <= 0) throw new Error(`wrote nothing of an audio chunk (${data.length - offset} bytes left)`);
      offset += bytesWritten;
      this.bytes += bytesWritten;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writing;
    // Closing flushes nothing (every write went straight to the file): a failure here loses no audio.
    await this.handle.close().catch((error: unknown) => this.log.warn({ err: error }, 'closing the recording file failed'));
  }
}

/** What the page's `level()` answers (capture-script.ts). */
interface PageLevel extends Reception {
  db: number;
  lastSoundAt: number;
}

/** One recording of one page; chunks arrive through the context's binding while it runs. */
class PageRecording implements ActiveRecording {
  private readonly id = randomUUID();
  private readonly startedAt = Date.now();
  private lastSound = this.startedAt;
  private firstSound: number | undefined;
  private stopped: Promise<boolean> | undefined;
  private result: Promise<RecordingResult> | undefined;
  readonly failed: Promise<Error>;

  constructor(
    private readonly page: Page,
    private readonly sinks: Map<string, ChunkSink>,
    private readonly chunks: ChunkFile,
    private readonly file: string,
    private readonly log: Logger,
  ) {
    this.failed = chunks.failed;
    sinks.set(this.id, (data, soundAt) => {
      this.heard(soundAt);
      return chunks.append(data);
    });
  }

  async start(): Promise<void> {
    const started = await this.call(`window.${captureGlobal} ? (window.${captureGlobal}.start(${JSON.stringify(this.id)}), true) : false`);
    if (started !== true) throw new Error('audio capture is not installed in this page (no RTCPeerConnection or not prepared)');
  }

  async levelDb(): Promise<number | undefined> {
    return (await this.level())?.db;
  }

  async reception(): Promise<Reception | undefined> {
    const level = await this.level();
    return level ? { tracks: level.tracks, unmuted: level.unmuted } : undefined;
  }

  /** The page's capture state in one call; null when the page is gone, stuck or has no capture yet. */
  private async level(): Promise<PageLevel | null> {
    const level = (await this.call(`window.${captureGlobal} ? window.${captureGlobal}.level() : null`).catch(() => null)) as PageLevel | null;
    if (level) this.heard(level.lastSoundAt);
    return level;
  }

  lastSoundAt(): number {
    return this.lastSound;
  }

  firstSoundAt(): number | undefined {
    return this.firstSound;
  }

  /** The page's last moment of sound (0: none yet). */
  private heard(soundAt: number): void {
    if (soundAt <= 0) return;
    this.firstSound ??= soundAt;
    this.lastSound = Math.max(this.lastSound, soundAt);
  }

  bytes(): number {
    return this.chunks.bytes;
  }

  stop(): Promise<RecordingResult> {
    this.result ??= (async () => {
      const stoppedInPage = await this.stopInPage();
      const wallMs = Date.now() - this.startedAt;
      const { durationMs, storageError } = await finalizeOnDisk(this.file, this.log);
      const { size } = await stat(this.file);
      const writeError = this.chunks.failure?.message ?? storageError;
      if (stoppedInPage && !writeError && audioShortfall(wallMs, durationMs)) {
        this.log.warn({ wallMs, durationMs }, 'the recording is shorter than the time it ran: this machine could not keep up with the audio (too many bots for its CPUs)');
      }
      this.log.info({ file: this.file, durationMs, bytes: size, ...(writeError ? { writeError } : {}) }, 'recording stopped');
      return { file: this.file, durationMs, bytes: size, ...(writeError ? { writeError } : {}) };
    })();
    return this.result;
  }

  async discard(): Promise<void> {
    await this.stopInPage();
    await rm(this.file, { force: true });
  }

  /** Stops the page's recorder and waits for its last chunk, unless the page is gone or stuck (then false). */
  stopInPage(): Promise<boolean> {
    this.stopped ??= (async () => {
      const stopped = await this.call(`window.${captureGlobal} && window.${captureGlobal}.stop(${JSON.stringify(this.id)})`).then(
        () => true,
        (error: unknown) => {
          this.log.warn({ err: error }, 'could not stop the page recorder; keeping what is on disk');
          return false;
        },
      );
      this.sinks.delete(this.id);
      await this.chunks.close();
      return stopped;
    })();
    return this.stopped;
  }

  private call(expression: string): Promise<unknown> {
    return withTimeout(this.page.evaluate(expression), pageCallTimeoutMs, 'page audio capture call');
  }
}

/** Starts recording the page's incoming audio into `file` (WebM/Opus, one chunk a second). */
export async function startRecording(page: Page, options: StartRecordingOptions): Promise<ActiveRecording> {
  const { file, log } = options;
  const sinks = sinksByContext.get(page.context());
  if (!sinks) throw new Error('startRecording: prepareAudioCapture was not called on this page’s context');
  await mkdir(dirname(file), { recursive: true });
  const recording = new PageRecording(page, sinks, new ChunkFile(await open(file, 'w'), log), file, log);
  try {
    await recording.start();
  } catch (error) {
    await recording.discard();
    throw error;
  }
  log.info({ file }, 'recording started');
  return recording;
}

/**
 * True when a recording that stopped cleanly holds noticeably less audio than the time it ran: the page's
 * audio clock fell behind because the machine's CPUs were starved. Chunking costs up to a few tens of ms.
 */
export function audioShortfall(wallMs: number, durationMs: number): boolean {
  return wallMs - durationMs > Math.max(1_000, wallMs * 0.05);
}

/** Errors that say the disk cannot take the file (not that the recording is malformed). */
const storageErrorCodes = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EROFS', 'EIO', 'EACCES', 'EPERM']);

/** The finalized duration; `storageError` when the disk refused the rewrite (the file is left as recorded). */
async function finalizeOnDisk(file: string, log: Logger): Promise<{ durationMs: number; storageError?: string }> {
  const { size } = await stat(file);
  if (size === 0) return { durationMs: 0 };
  try {
    return { durationMs: (await finalizeWebm(file)).durationMs };
  } catch (error) {
    log.error({ err: error, file }, 'could not finalize the recording; the file is left as recorded');
    const code = (error as NodeJS.ErrnoException).code;
    return code && storageErrorCodes.has(code) ? { durationMs: 0, storageError: (error as Error).message } : { durationMs: 0 };
  }
}
