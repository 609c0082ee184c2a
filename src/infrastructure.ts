import { createRedisBus } from './bus-redis.js';
import { createMemoryBus, type LiveBus } from './bus.js';
import type { Config } from './config.js';
import { BullMqQueue } from './queue/bullmq-queue.js';
import type { JobQueue } from './queue/job-queue.js';
import { MemoryQueue } from './queue/memory-queue.js';
import { openPostgresStore, openSqliteStore, type Store } from './store/database.js';

export interface Infrastructure {
  store: Store;
  bus: LiveBus;
  queue: JobQueue;
  /** `embedded`: SQLite + in-process queue; `scale-out`: PostgreSQL + BullMQ on Redis. */
  mode: 'embedded' | 'scale-out';
  /** Closes the bus connections (the queue and store are closed by their owners, in order). */
  closeBus(): Promise<void>;
}

/**
 * The one place that picks implementations of the ports: the embedded defaults, or PostgreSQL and Redis
 * when DATABASE_URL and REDIS_URL are set. Everything above works the same on either.
 */
export async function openInfrastructure(config: Config, dataDir: string): Promise<Infrastructure> {
  if (Boolean(config.DATABASE_URL) !== Boolean(config.REDIS_URL)) {
    throw new Error('scale-out needs both DATABASE_URL and REDIS_URL (or neither, for the embedded mode)');
  }
  if (config.DATABASE_URL && config.REDIS_URL) {
    const store = await openPostgresStore(config.DATABASE_URL);
    const bus = await createRedisBus(config.REDIS_URL, `${config.QUORUM_REDIS_PREFIX}:`);
    const queue = new BullMqQueue({ redisUrl: config.REDIS_URL, name: `${config.QUORUM_REDIS_PREFIX}-joins` });
    return { store, bus, queue, mode: 'scale-out', closeBus: () => bus.close() };
  }
  const store = await openSqliteStore(dataDir);
  return { store, bus: createMemoryBus(), queue: new MemoryQueue(), mode: 'embedded', closeBus: () => Promise.resolve() };
}
