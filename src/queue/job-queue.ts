/** A planned bot join: which attempt of which session to run. */
export interface JoinJob {
  sessionId: string;
  attempt: number;
}

export interface EnqueueOptions {
  /** Jobs with the same key are one job: enqueuing again moves it to the new time. */
  key: string;
  runAt: Date;
}

export interface WorkOptions {
  concurrency: number;
}

/**
 * The queue port: the embedded in-process queue and the BullMQ queue both implement it and pass one
 * conformance suite. Durability of plans lives in the session store, so the scheduler can always
 * re-enqueue on boot; enqueue is idempotent by key for that reason.
 */
export interface JobQueue {
  enqueue(job: JoinJob, options: EnqueueOptions): Promise<void>;
  work(handler: (job: JoinJob) => Promise<void>, options: WorkOptions): void;
  cancel(key: string): Promise<boolean>;
  /** Whether a job for `key` is still in the queue: waiting for its time, due, or running. */
  holds(key: string): Promise<boolean>;
  /** Stops taking jobs and waits for running ones (bounded by the caller's own deadline). */
  close(): Promise<void>;
}
