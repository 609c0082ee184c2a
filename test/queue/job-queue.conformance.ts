import { afterEach, describe, expect, it } from 'vitest';
import type { JobQueue, JoinJob } from '../../src/queue/job-queue.js';

/** The behaviour every JobQueue implementation must show; each implementation's test file runs it. */
export function jobQueueConformance(name: string, create: () => Promise<JobQueue>): void {
  describe(`JobQueue conformance: ${name}`, () => {
    let queue: JobQueue | undefined;
    afterEach(async () => {
      await queue?.close();
      queue = undefined;
    });

    const collect = (q: JobQueue, concurrency = 4, holdMs = 0) => {
      const seen: Array<{ job: JoinJob; at: number }> = [];
      let running = 0;
      let maxRunning = 0;
      q.work(
        async (job) => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          seen.push({ job, at: Date.now() });
          await new Promise((resolve) => setTimeout(resolve, holdMs));
          running -= 1;
        },
        { concurrency },
      );
      return { seen, maxRunning: () => maxRunning };
    };
    const waitFor = async (check: () => boolean, ms = 5000) => {
      const end = Date.now() + ms;
      while (!check()) {
        if (Date.now() > end) throw new Error('timed out');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };

    it('runs a job at its time, not before', async () => {
      queue = await create();
      const { seen } = collect(queue);
      const runAt = Date.now() + 400;
      await queue.enqueue({ sessionId: 's1', attempt: 1 }, { key: 's1#1', runAt: new Date(runAt) });
      await waitFor(() => seen.length === 1);
      expect(seen[0]?.job).toEqual({ sessionId: 's1', attempt: 1 });
      expect(seen[0]?.at).toBeGreaterThanOrEqual(runAt - 5);
    });

    it('treats the same key as one job (enqueue again moves it)', async () => {
      queue = await create();
      const { seen } = collect(queue);
      await queue.enqueue({ sessionId: 's1', attempt: 1 }, { key: 'k', runAt: new Date(Date.now() + 5000) });
      await queue.enqueue({ sessionId: 's1', attempt: 1 }, { key: 'k', runAt: new Date(Date.now() + 100) });
      await waitFor(() => seen.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen).toHaveLength(1);
    });

    it('cancels a planned job', async () => {
      queue = await create();
      const { seen } = collect(queue);
      await queue.enqueue({ sessionId: 's1', attempt: 1 }, { key: 'gone', runAt: new Date(Date.now() + 200) });
      expect(await queue.cancel('gone')).toBe(true);
      expect(await queue.cancel('never-was')).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(seen).toHaveLength(0);
    });

    it('says whether it still holds a job: planned, due and waiting for a slot, running; not once done or cancelled', async () => {
      queue = await create();
      const { seen } = collect(queue, 1, 300);
      await queue.enqueue({ sessionId: 'a', attempt: 1 }, { key: 'a', runAt: new Date() });
      await queue.enqueue({ sessionId: 'b', attempt: 1 }, { key: 'b', runAt: new Date() });
      await queue.enqueue({ sessionId: 'c', attempt: 1 }, { key: 'c', runAt: new Date(Date.now() + 60_000) });
      await waitFor(() => seen.length === 1);
      // One slot: one runs, the other is due and waits; the third waits for its time.
      expect(await Promise.all(['a', 'b', 'c'].map((key) => queue?.holds(key)))).toEqual([true, true, true]);
      await queue.cancel('c');
      await waitFor(() => seen.length === 2);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await Promise.all(['a', 'b', 'c', 'never'].map((key) => queue?.holds(key)))).toEqual([false, false, false, false]);
    });

    it('bounds concurrency', async () => {
      queue = await create();
      const { seen, maxRunning } = collect(queue, 2, 150);
      for (let i = 0; i < 6; i += 1) await queue.enqueue({ sessionId: `s${i}`, attempt: 1 }, { key: `s${i}`, runAt: new Date() });
      await waitFor(() => seen.length === 6);
      expect(maxRunning()).toBe(2);
    });

    it('holds jobs that are due before a worker starts, and runs them once it does', async () => {
      queue = await create();
      await queue.enqueue({ sessionId: 'early', attempt: 1 }, { key: 'early', runAt: new Date(Date.now() - 1000) });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const { seen } = collect(queue);
      await waitFor(() => seen.length === 1);
    });
  });
}
