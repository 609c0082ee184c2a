import PQueue from 'p-queue';
import type { EnqueueOptions, JobQueue, JoinJob, WorkOptions } from './job-queue.js';

// setTimeout holds at most 2^31-1 ms (~24.8 days); later jobs re-arm until they are due.
const maxTimerMs = 2_147_483_647;

interface Planned {
  job: JoinJob;
  runAt: number;
  timer: NodeJS.Timeout | undefined;
}

/** The embedded queue: timers for planned jobs, p-queue for bounded concurrency. */
export class MemoryQueue implements JobQueue {
  private readonly planned = new Map<string, Planned>();
  private readonly ready: Array<{ key: string; job: JoinJob }> = [];
  /** Keys handed to the runner and not finished: due (waiting for a free slot) or running. */
  private readonly dispatched = new Set<string>();
  private runner: PQueue | undefined;
  private handler: ((job: JoinJob) => Promise<void>) | undefined;
  private closed = false;

  enqueue(job: JoinJob, options: EnqueueOptions): Promise<void> {
    if (this.closed) return Promise.reject(new Error('queue is closed'));
    this.clear(options.key);
    const entry: Planned = { job, runAt: options.runAt.getTime(), timer: undefined };
    this.planned.set(options.key, entry);
    this.arm(options.key, entry);
    return Promise.resolve();
  }

  work(handler: (job: JoinJob) => Promise<void>, options: WorkOptions): void {
    if (this.handler) throw new Error('queue already has a worker');
    this.handler = handler;
    this.runner = new PQueue({ concurrency: options.concurrency });
    for (const item of this.ready.splice(0)) this.dispatch(item.key, item.job);
  }

  holds(key: string): Promise<boolean> {
    return Promise.resolve(this.planned.has(key) || this.dispatched.has(key) || this.ready.some((item) => item.key === key));
  }

  cancel(key: string): Promise<boolean> {
    const existed = this.planned.has(key);
    this.clear(key);
    return Promise.resolve(existed);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const key of [...this.planned.keys()]) this.clear(key);
    await this.runner?.onIdle();
  }

  /** Jobs waiting for their time, for tests and metrics. */
  size(): number {
    return this.planned.size;
  }

  private arm(key: string, entry: Planned): void {
    const delay = Math.max(0, entry.runAt - Date.now());
    entry.timer = setTimeout(
      () => {
        if (Date.now() < entry.runAt) return this.arm(key, entry);
        this.planned.delete(key);
        this.dispatch(key, entry.job);
      },
      Math.min(delay, maxTimerMs),
    );
  }

  private dispatch(key: string, job: JoinJob): void {
    const { runner, handler } = this;
    if (!runner || !handler) {
      this.ready.push({ key, job });
      return;
    }
    // The handler reports its own failures (it owns the session); a throw here is a bug, kept visible.
    this.dispatched.add(key);
    runner
      .add(() => handler(job))
      .catch((error: unknown) => {
        process.stderr.write(`quorum: job ${key} failed outside its handler: ${String(error)}\n`);
      })
      .finally(() => this.dispatched.delete(key));
  }

  private clear(key: string): void {
    const entry = this.planned.get(key);
    if (entry) clearTimeout(entry.timer);
    this.planned.delete(key);
  }
}
