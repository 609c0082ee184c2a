import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { EnqueueOptions, JobQueue, JoinJob, WorkOptions } from './job-queue.js';

export interface BullMqOptions {
  redisUrl: string;
  /** Queue name; tests use their own so runs never meet. */
  name?: string;
  /** How long a running job's lock lasts before Redis thinks its worker died (renewed while it runs). */
  lockMs?: number;
}

function connection(redisUrl: string): ConnectionOptions {
  // Workers block on Redis; BullMQ requires maxRetriesPerRequest null for them.
  return { url: redisUrl, maxRetriesPerRequest: null } as ConnectionOptions;
}

/**
 * The scale-out queue: planned joins as delayed BullMQ jobs on Redis, worked by any number of processes.
 * A job's id is its key, so enqueuing again is idempotent; a new time moves the delayed job.
 */
export class BullMqQueue implements JobQueue {
  private readonly queue: Queue<JoinJob>;
  private worker: Worker<JoinJob> | undefined;

  constructor(private readonly options: BullMqOptions) {
    this.queue = new Queue<JoinJob>(options.name ?? 'quorum-joins', { connection: connection(options.redisUrl) });
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
      connection: connection(this.options.redisUrl),
      concurrency: options.concurrency,
      lockDuration: this.options.lockMs ?? 60_000,
    });
    // Errors are the handler's to report (it owns the session); keep the worker alive on them.
    this.worker.on('error', () => undefined);
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
