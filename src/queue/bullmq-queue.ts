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
    this.worker = new Worker<JoinJob>(this.queue.name, (job: Job<JoinJob>) => handler(job.data), {
      connection: connection(this.options.redisUrl, true),
      concurrency: options.concurrency,
      lockDuration: this.options.lockMs ?? 60_000,
    });
    // Job errors are the handler's to report (it owns the session); connection errors go to onError.
    this.worker.on('error', (error) => this.options.onError?.(error));
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
