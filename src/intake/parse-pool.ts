import { existsSync } from 'node:fs';
import { promises as dnsPromises } from 'node:dns';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { cachingResolver } from './dns.js';
import type { DnsResolver } from './dns.js';
import { parseInviteEmail } from './email.js';
import type { InviteEmailOptions, ParsedInviteEmail } from './email.js';
import { authenticateSender } from './mail-auth.js';
import type { Envelope, SenderAuth } from './mail-auth.js';
import type { ParseError } from './types.js';

/** What a pool thread is started with. */
export interface PoolThreadData {
  dnsCacheMs: number;
  /** Messages read at once (ReadQueue); unset: its default. */
  readWidth?: number;
}

/** Messages to a pool thread. */
export type PoolRequest =
  | { kind: 'read'; id: number; raw: Uint8Array; options: InviteEmailOptions; envelope: Envelope; proxyDns: boolean }
  | { kind: 'dns-answer'; id: number; answer?: string[][] | string[]; error?: { message: string; code?: string } };

/** Messages from a pool thread. */
export type PoolAnswer =
  | { kind: 'done'; id: number; result?: unknown; error?: string }
  | { kind: 'dns'; id: number; name: string; rrtype: string }
  /** The thread has loaded its modules and reads from now on. */
  | { kind: 'ready' };

/**
 * A message read: its parse and its sender's authentication, done side by side. Authentication that threw
 * is a `failure`, raised only by whoever uses it (mail that failed to parse never needs it).
 */
export interface ReadMail {
  parsed: ParsedInviteEmail | ParseError;
  auth: SenderAuth | { failure: string };
}

/** Parsing and sender authentication, wherever they run. */
export interface MailReader {
  read(raw: Buffer, options: InviteEmailOptions, envelope: Envelope): Promise<ReadMail>;
  close(): Promise<void>;
}

/** Both halves of reading a message, at once (the check waits on DNS while the parse uses the CPU). */
export async function readMail(raw: Buffer, options: InviteEmailOptions, envelope: Envelope, resolver?: DnsResolver): Promise<ReadMail> {
  const [parsed, auth] = await Promise.all([
    parseInviteEmail(raw, options),
    authenticateSender(raw, envelope, resolver).catch((error: unknown) => ({ failure: error instanceof Error ? error.message : String(error) })),
  ]);
  return { parsed, auth };
}

/** The system resolver (what mailauth uses when given none), so it can be cached like any other. */
export const systemResolver: DnsResolver = (name, rrtype) => dnsPromises.resolve(name, rrtype) as Promise<string[][] | string[]>;

/** `resolver` (else the system's) with its answers kept `cacheMs`; 0 keeps nothing. */
export function cachedResolver(resolver: DnsResolver | undefined, cacheMs: number): DnsResolver {
  const base = resolver ?? systemResolver;
  return cacheMs > 0 ? cachingResolver(base, { ttlMs: cacheMs }) : base;
}

/** On the calling thread: for a process run from the TypeScript sources (tests), where no built thread script exists. */
export function inlineReader(resolver?: DnsResolver, dnsCacheMs = 0): MailReader {
  const cached = cachedResolver(resolver, dnsCacheMs);
  return {
    read: (raw, options, envelope) => readMail(raw, options, envelope, cached),
    close: () => Promise.resolve(),
  };
}

interface Thread {
  worker: Worker;
  busy: number;
  /** Its modules are loaded: a message's deadline runs from when the thread can read it. */
  ready: boolean;
}

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  request: PoolRequest;
  thread: Thread;
  /** Set once the thread is ready; before, the thread's own start deadline stands for it. */
  timer?: NodeJS.Timeout;
}

/** How long one message may take in a thread before the thread is given up: no real mail comes near it. */
export const readTimeoutMs = 30_000;
/** How long a new thread may take to load its modules; a machine that needs longer is in trouble of its own. */
const threadStartTimeoutMs = 60_000;

/**
 * A few worker threads that parse invite mail and authenticate its sender, so the main thread only
 * stores and plans. Threads start on the first message and are handed work least-busy first. A message that
 * is not read within the deadline fails (its raw mail is kept) and its thread is replaced: whatever else that
 * thread held is sent to another one, so one hostile message costs nobody else's.
 */
export class ParsePool implements MailReader {
  private readonly threads: Thread[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;

  constructor(
    private readonly script: URL,
    private readonly options: { size: number; resolver?: DnsResolver; dnsCacheMs: number; readWidth?: number; log: Logger; execArgv?: string[]; timeoutMs?: number },
  ) {}

  read(raw: Buffer, options: InviteEmailOptions, envelope: Envelope): Promise<ReadMail> {
    return this.ask((id) => ({ kind: 'read', id, raw, options, envelope, proxyDns: this.options.resolver !== undefined })) as Promise<ReadMail>;
  }

  async close(): Promise<void> {
    const threads = this.threads.splice(0);
    for (const waiting of this.waiting.values()) clearTimeout(waiting.timer);
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  private ask(request: (id: number) => PoolRequest): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => this.dispatch(id, { resolve, reject, request: request(id) }));
  }

  private dispatch(id: number, waiting: Pick<Waiting, 'resolve' | 'reject' | 'request'>): void {
    const thread = this.thread();
    thread.busy += 1;
    this.waiting.set(id, { ...waiting, thread, ...(thread.ready ? { timer: this.deadline(id) } : {}) });
    thread.worker.postMessage(waiting.request);
  }

  private deadline(id: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.overdue(id), this.timeoutMs);
    timer.unref();
    return timer;
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? readTimeoutMs;
  }

  /*
   * A thread's start does not count against the messages handed to it: on a busy machine loading the mail and
   * calendar libraries can take seconds, and a replacement thread's start would fail the very mail it was made to
   * read. The deadlines begin at `ready`; a thread not ready within `threadStartTimeoutMs` fails what it holds.
   */
  private started(thread: Thread): void {
    thread.ready = true;
    for (const [id, waiting] of this.waiting) if (waiting.thread === thread && waiting.timer === undefined) waiting.timer = this.deadline(id);
  }

  private thread(): Thread {
    const idle = this.threads.reduce<Thread | undefined>((best, thread) => (!best || thread.busy < best.busy ? thread : best), undefined);
    if (idle && (idle.busy === 0 || this.threads.length >= this.options.size)) return idle;
    const workerData: PoolThreadData = { dnsCacheMs: this.options.dnsCacheMs, ...(this.options.readWidth ? { readWidth: this.options.readWidth } : {}) };
    const worker = new Worker(this.script, { workerData, ...(this.options.execArgv ? { execArgv: this.options.execArgv } : {}) });
    const thread: Thread = { worker, busy: 0, ready: false };
    const start = setTimeout(() => {
      if (thread.ready) return;
      this.lost(thread, new Error(`the intake parse thread did not start within ${threadStartTimeoutMs / 1000} s`));
      void thread.worker.terminate();
    }, threadStartTimeoutMs);
    start.unref();
    worker.on('message', (answer: PoolAnswer) => this.answer(thread, answer));
    worker.on('error', (error) => this.lost(thread, error));
    worker.on('exit', (code) => this.lost(thread, new Error(`intake parse thread exited with code ${code}`)));
    worker.unref();
    this.threads.push(thread);
    return thread;
  }

  private answer(thread: Thread, answer: PoolAnswer): void {
    if (answer.kind === 'ready') return this.started(thread);
    if (answer.kind === 'dns') {
      void this.resolve(thread, answer);
      return;
    }
    const waiting = this.waiting.get(answer.id);
    if (!waiting || waiting.thread !== thread) return;
    this.waiting.delete(answer.id);
    clearTimeout(waiting.timer);
    thread.busy -= 1;
    if (answer.error !== undefined) waiting.reject(new Error(answer.error));
    else waiting.resolve(answer.result);
  }

  private async resolve(thread: Thread, question: { id: number; name: string; rrtype: string }): Promise<void> {
    const reply = (answer: Omit<Extract<PoolRequest, { kind: 'dns-answer' }>, 'kind' | 'id'>) => thread.worker.postMessage({ kind: 'dns-answer', id: question.id, ...answer } satisfies PoolRequest);
    try {
      reply({ answer: await (this.options.resolver as DnsResolver)(question.name, question.rrtype) });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      reply({ error: { message: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) } });
    }
  }

  /** A message past its deadline fails; its thread, busy with it for good, is replaced and its other work resent. */
  private overdue(id: number): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    const seconds = this.timeoutMs / 1000;
    this.options.log.error({ seconds }, 'an invite mail was not read in time; replacing its parse thread');
    waiting.reject(new Error(`reading the message took longer than ${seconds} s, so it was given up`));
    const { thread } = waiting;
    this.detach(thread);
    void thread.worker.terminate();
    for (const [other, held] of this.waiting) {
      if (held.thread !== thread) continue;
      clearTimeout(held.timer);
      this.waiting.delete(other);
      this.dispatch(other, held);
    }
  }

  /** Takes a thread out of service; its exit is then no loss to report. */
  private detach(thread: Thread): boolean {
    const index = this.threads.indexOf(thread);
    if (index === -1) return false;
    this.threads.splice(index, 1);
    return true;
  }

  /** A thread that died fails what it was doing (those messages end `failed`, their raw mail kept) and is replaced on demand. */
  private lost(thread: Thread, error: Error): void {
    if (!this.detach(thread)) return;
    this.options.log.error({ err: error }, 'intake parse thread lost');
    for (const [id, waiting] of this.waiting) {
      if (waiting.thread !== thread) continue;
      this.waiting.delete(id);
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
  }
}

/**
 * The pool when this module runs built (dist/…/parse-worker.js exists beside it), else the inline reader.
 * One thread per core beyond the main thread's, at least one.
 */
export function mailReader(log: Logger, resolver: DnsResolver | undefined, dnsCacheMs: number, readWidth?: number): MailReader {
  const script = new URL('./parse-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(script))) return inlineReader(resolver, dnsCacheMs);
  const size = Math.max(1, Math.min(4, availableParallelism() - 1));
  return new ParsePool(script, { size, log, dnsCacheMs, ...(readWidth ? { readWidth } : {}), ...(resolver ? { resolver } : {}) });
}
