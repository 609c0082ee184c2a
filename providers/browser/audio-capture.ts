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
}

export interface ActiveRecording {
  /** Current RMS level of the incoming mix in dBFS (-Infinity for digital silence); undefined if the page is gone. */
  levelDb(): Promise<number | undefined>;
  /** Epoch ms when the mix was last above about -50 dBFS; the recording's start until then. */
  lastSoundAt(): number;
  /** Bytes written to the file so far. */
  bytes(): number;
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

/** Appends chunks to the file in arrival order, so a crash loses only what was still in the page. */
class ChunkFile {
  bytes = 0;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly log: Logger,
  ) {}

  append(data: Buffer): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.bytes += data.length;
    this.writing = this.writing
      .then(async () => {
        await this.handle.write(data);
      })
      .catch((error: unknown) => this.log.error({ err: error }, 'writing audio chunk failed'));
    return this.writing;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writing;
    await this.handle.close();
  }
}

/** One recording of one page; chunks arrive through the context's binding while it runs. */
class PageRecording implements ActiveRecording {
  private readonly id = randomUUID();
  private readonly startedAt = Date.now();
  private lastSound = this.startedAt;
  private stopped: Promise<boolean> | undefined;
  private result: Promise<RecordingResult> | undefined;

  constructor(
    private readonly page: Page,
    private readonly sinks: Map<string, ChunkSink>,
    private readonly chunks: ChunkFile,
    private readonly file: string,
    private readonly log: Logger,
  ) {
    sinks.set(this.id, (data, soundAt) => {
      this.lastSound = Math.max(this.lastSound, soundAt);
      return chunks.append(data);
    });
  }

  async start(): Promise<void> {
    const started = await this.call(`window.${captureGlobal} ? (window.${captureGlobal}.start(${JSON.stringify(this.id)}), true) : false`);
    if (started !== true) throw new Error('audio capture is not installed in this page (no RTCPeerConnection or not prepared)');
  }

  async levelDb(): Promise<number | undefined> {
    const level = (await this.call(`window.${captureGlobal} ? window.${captureGlobal}.level() : null`).catch(() => null)) as {
      db: number;
      lastSoundAt: number;
    } | null;
    if (!level) return undefined;
    this.lastSound = Math.max(this.lastSound, level.lastSoundAt);
    return level.db;
  }

  lastSoundAt(): number {
    return this.lastSound;
  }

  bytes(): number {
    return this.chunks.bytes;
  }

  stop(): Promise<RecordingResult> {
    this.result ??= (async () => {
      const stoppedInPage = await this.stopInPage();
      const wallMs = Date.now() - this.startedAt;
      const durationMs = await finalizeOnDisk(this.file, this.log);
      const { size } = await stat(this.file);
      if (stoppedInPage && audioShortfall(wallMs, durationMs)) {
        this.log.warn({ wallMs, durationMs }, 'the recording is shorter than the time it ran: this machine could not keep up with the audio (too many bots for its CPUs)');
      }
      this.log.info({ file: this.file, durationMs, bytes: size }, 'recording stopped');
      return { file: this.file, durationMs, bytes: size };
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

async function finalizeOnDisk(file: string, log: Logger): Promise<number> {
  const { size } = await stat(file);
  if (size === 0) return 0;
  try {
    return (await finalizeWebm(file)).durationMs;
  } catch (error) {
    log.error({ err: error, file }, 'could not finalize the recording; the file is left as recorded');
    return 0;
  }
}
