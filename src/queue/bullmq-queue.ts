import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { EnqueueOptions, JobQueue, JoinJob, WorkOptions } from './job-queue.js';

export interface BullMqOptions {
  redisUrl: string;
  /** Queue name; tests use their own so runs never meet. */
  name?: string;
  /** How long a running job's lock lasts before Redis thinks its worker died (renewed while it runs). */
  lockMs?: number;
  /** Connection errors of the queue and the worker (Redis away); they reconnect by themselves. */
  onError?: (error: unknown) => void;
  /**
   * A running job whose lock lapsed was put back to run again: its worker died, or Redis was away longer than the
   * lock and came back with its data. The handler runs again; it must find the job's work already taken.
   */
  onStalled?: (jobId: string) => void;
}

/**
 * Reconnects within two seconds of Redis coming back: BullMQ's own default backs off to twenty.
 * `waiting`: a worker's connection blocks on Redis and keeps its commands until Redis is back (BullMQ requires
 * maxRetriesPerRequest null for it); the queue's commands fail at once while Redis is away, so planning a join
 * (an API request, an invite mail) never hangs on it: the plan is in the session store, and the scheduler plans
 * again what the queue does not hold.
 */
function connection(redisUrl: string, waiting: boolean): ConnectionOptions {
  const retryStrategy = (times: number) => Math.min(200 * times, 2000);
  return { url: redisUrl, maxRetriesPerRequest: null, retryStrategy, ...(waiting ? {} : { enableOfflineQueue: false }) } as ConnectionOptions;
}

/**
 * The scale-out queue: planned joins as delayed BullMQ jobs on Redis, worked by any number of processes.
 * A job's id is its key, so enqueuing again is idempotent; a new time moves the delayed job.
 */
export class BullMqQueue implements JobQueue {
  private readonly queue: Queue<JoinJob>;
  private worker: Worker<JoinJob> | undefined;
  /** Jobs run here whose lock renewal failed, reported once each (repeatsLostLock, finishesLostLock). */
  private readonly lockLost = new Set<string>();

  constructor(private readonly options: BullMqOptions) {
    this.queue = new Queue<JoinJob>(options.name ?? 'quorum-joins', { connection: connection(options.redisUrl, false) });
    // Without a listener BullMQ prints every re-emitted connection error to stderr.
    this.queue.on('error', (error) => options.onError?.(error));
  }

  async enqueue(job: JoinJob, options: EnqueueOptions): Promise<void> {
    const delay = Math.max(0, options.runAt.getTime() - Date.now());
    const existing = await this.queue.getJob(options.key);
    if (existing && (await existing.isDelayed())) {
      await existing.changeDelay(delay);
      return;
    }
    if (existing && ((await existing.isWaiting()) || (await existing.isActive()))) return;
    if (existing) await existing.remove();
    await this.queue.add('join', job, { jobId: options.key, delay, removeOnComplete: true, removeOnFail: 1000 });
  }

  work(handler: (job: JoinJob) => Promise<void>, options: WorkOptions): void {
    if (this.worker) throw new Error('queue already has a worker');
    const lockMs = this.options.lockMs ?? 60_000;
    this.worker = new Worker<JoinJob>(this.queue.name, (job: Job<JoinJob>) => handler(job.data), {
      connection: connection(this.options.redisUrl, true),
      concurrency: options.concurrency,
      lockDuration: lockMs,
      // BullMQ checks every 30 s whatever the lock: a shorter lock is checked as often as it lasts.
      stalledInterval: Math.min(30_000, lockMs),
    });
    this.worker.on('stalled', (jobId) => this.options.onStalled?.(jobId));
    // Job errors are the handler's to report (it owns the session); connection errors go to onError.
    this.worker.on('error', (error) => {
      if (!this.repeatsLostLock(error) && !this.finishesLostLock(error)) this.options.onError?.(error);
    });
  }

  /**
   * Whether `error` repeats a lost lock already reported. BullMQ keeps renewing a lock it lost (Redis was away
   * longer than the lock) every quarter of the lock for as long as the bot runs, an error each time: once per job
   * is news, the rest is a log storm for the length of a meeting. Matched on BullMQ's message: were it to change,
   * every error is reported again, nothing is lost.
   */
  private repeatsLostLock(error: Error): boolean {
    const jobId = /^could not renew lock for job (.+)$/.exec(error.message)?.[1];
    if (jobId === undefined) return false;
    if (this.lockLost.has(jobId)) return true;
    // Ids end with the attempt, so none comes back; the bound only keeps a long-lived worker's set small.
    if (this.lockLost.size >= 1000) this.lockLost.clear();
    this.lockLost.add(jobId);
    return false;
  }

  /**
   * Whether `error` is the end of a run whose lock was lost here: when its bot leaves, BullMQ cannot mark the job
   * finished (the run that took over completed and removed it, or holds the lock), which is expected, not news.
   */
  private finishesLostLock(error: Error): boolean {
    // BullMQ tries to mark it completed, then failed: each attempt ends in one of these.
    const jobId = /^(?:Missing key|Missing lock|Lock mismatch) for job (.+?)\. /.exec(error.message)?.[1];
    return jobId !== undefined && this.lockLost.has(jobId);
  }

  async holds(key: string): Promise<boolean> {
    const job = await this.queue.getJob(key);
    return job !== undefined && ((await job.isDelayed()) || (await job.isWaiting()) || (await job.isActive()));
  }

  async cancel(key: string): Promise<boolean> {
    const job = await this.queue.getJob(key);
    if (!job || !((await job.isDelayed()) || (await job.isWaiting()))) return false;
    await job.remove();
    return true;
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
